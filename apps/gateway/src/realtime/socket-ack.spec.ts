import {
  DOMAIN_ERROR_STATUS,
  DomainError,
  domainCodeForStatus,
  type DomainErrorCode,
  validateInput,
} from '@plaza/platform';
import { socketErrorCode } from './socket-ack';
import { SOCKET_COMMAND_SCHEMAS } from '@plaza/realtime';

describe('socket acks', () => {
  it('keep the meaning of a domain app’s answer: 401 is unauthorized, 409 conflict (not forbidden / bad_request)', () => {
    const fromStatus = (status: number) => socketErrorCode(domainCodeForStatus(status) ?? 'unavailable');
    expect(fromStatus(401)).toBe('unauthorized');
    expect(fromStatus(409)).toBe('conflict');
    expect(fromStatus(403)).toBe('forbidden');
    expect(fromStatus(404)).toBe('not_found');
    expect(fromStatus(413)).toBe('bad_request');
    expect(fromStatus(500)).toBe('internal');
    expect(fromStatus(503)).toBe('internal');
  });

  it('give every domain code a distinct ack code, except unavailable which the contract calls internal', () => {
    const codes = (Object.keys(DOMAIN_ERROR_STATUS) as DomainErrorCode[]).map(socketErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(socketErrorCode('unavailable')).toBe('internal');
  });

  it('refuse a payload that breaks the command’s schema with bad_request', () => {
    const thrown = (run: () => unknown): unknown => {
      try {
        run();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(
      thrown(() => validateInput(SOCKET_COMMAND_SCHEMAS['typing:start'], { conversationId: 'x', extra: 1 })),
    ).toMatchObject({ code: 'bad_request' });
    expect(thrown(() => validateInput(SOCKET_COMMAND_SCHEMAS['typing:start'], []))).toBeInstanceOf(DomainError);
  });
});
