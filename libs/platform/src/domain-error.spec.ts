import { DOMAIN_ERROR_STATUS, DomainError, domainCodeForStatus, type DomainErrorCode } from './domain-error';
import { toErrorBody } from './all-exceptions.filter';

describe('DomainError', () => {
  it('answers with the one status of its code', () => {
    expect(new DomainError('not_found', 'Post not found').status).toBe(404);
    expect(new DomainError('conflict', 'taken', { reason: 'handle_taken' }).status).toBe(409);
    expect(new DomainError('unauthorized', 'Invalid email or password').status).toBe(401);
  });

  it('reads every status back as the code that made it (no meaning lost between apps)', () => {
    for (const code of Object.keys(DOMAIN_ERROR_STATUS) as DomainErrorCode[]) {
      expect(domainCodeForStatus(DOMAIN_ERROR_STATUS[code])).toBe(code);
    }
    expect(domainCodeForStatus(401)).toBe('unauthorized');
    expect(domainCodeForStatus(409)).toBe('conflict');
    expect(domainCodeForStatus(413)).toBe('bad_request');
    expect(domainCodeForStatus(500)).toBeUndefined();
  });
});

describe('toErrorBody (the one HTTP mapping of DomainError)', () => {
  it('answers the code’s status, the message, and the finer reason as `code` when there is one', () => {
    expect(toErrorBody(new DomainError('not_found', 'Post not found'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Post not found',
      code: 'not_found',
    });
    expect(toErrorBody(new DomainError('conflict', 'Handle is taken', { reason: 'handle_taken' }))).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'Handle is taken',
      code: 'handle_taken',
    });
  });
});
