import { inputProblem } from '@plaza/http';
import type { Ack, SocketErrorCode } from '@plaza/realtime';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class AckError extends Error {
  constructor(
    readonly code: SocketErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const ackError = (code: SocketErrorCode, message: string): Ack => ({ ok: false, error: { code, message } });

/**
 * The same rules as the REST pipe: whitelist, unknown fields refused, types checked. Synchronous:
 * the command schemas have no async validators, and this runs once per socket command.
 */
export function validatePayload<T extends object>(dto: new () => T, payload: unknown): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AckError('bad_request', 'payload must be an object');
  }
  const problem = inputProblem(payload);
  if (problem) throw new AckError('bad_request', problem);
  const instance = plainToInstance(dto, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const messages = errors.flatMap((e) =>
      Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }),
    );
    throw new AckError('bad_request', messages.join('; '));
  }
  return instance;
}
