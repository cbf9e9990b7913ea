import type { DomainErrorCode } from '@plaza/platform';
import type { Ack, SocketErrorCode } from '@plaza/realtime';

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
