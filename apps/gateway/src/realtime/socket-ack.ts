import { DomainError, type DomainErrorCode, inputProblem } from '@plaza/platform';
import type { Ack, SocketErrorCode } from '@plaza/realtime';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/**
 * The one mapping of DomainError to socket acks: each domain code keeps its meaning (a 401 from
 * messaging is `unauthorized`, a 409 `conflict`); a backing service that is down is `internal`,
 * as the contract names it for sockets.
 */
const SOCKET_CODE: Record<DomainErrorCode, SocketErrorCode> = {
  bad_request: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  rate_limited: 'rate_limited',
  unavailable: 'internal',
};

export const socketErrorCode = (code: DomainErrorCode): SocketErrorCode => SOCKET_CODE[code];

export const ackError = (code: SocketErrorCode, message: string): Ack => ({ ok: false, error: { code, message } });

/**
 * The same rules as the REST pipe: whitelist, unknown fields refused, types checked. Synchronous:
 * the command schemas have no async validators, and this runs once per socket command.
 */
export function validatePayload<T extends object>(dto: new () => T, payload: unknown): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new DomainError('bad_request', 'payload must be an object');
  }
  const problem = inputProblem(payload);
  if (problem) throw new DomainError('bad_request', problem);
  const instance = plainToInstance(dto, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const messages = errors.flatMap((e) =>
      Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }),
    );
    throw new DomainError('bad_request', messages.join('; '));
  }
  return instance;
}
