import { DomainError } from '@plaza/platform';
import { isNotFound, toGraphQLError } from './graphql-error.mapper';

/** The one GraphQL mapping of DomainError (contract: GraphQL v2 error codes). */
describe('toGraphQLError', () => {
  it('gives a domain error the contract code and REST’s machine code as reason', () => {
    const plain = toGraphQLError(new DomainError('not_found', 'Post not found'));
    expect(plain.message).toBe('Post not found');
    expect(plain.extensions).toEqual({ code: 'NOT_FOUND', reason: 'not_found' });
    const finer = toGraphQLError(new DomainError('conflict', 'Handle is taken', { reason: 'handle_taken' }));
    expect(finer.extensions).toEqual({ code: 'CONFLICT', reason: 'handle_taken' });
    expect(toGraphQLError(new DomainError('unauthorized', 'x')).extensions.code).toBe('UNAUTHENTICATED');
    expect(toGraphQLError(new DomainError('unavailable', 'x')).extensions.code).toBe('UNAVAILABLE');
  });

  it('treats only not_found as a null lookup', () => {
    expect(isNotFound(new DomainError('not_found', 'x'))).toBe(true);
    expect(isNotFound(new DomainError('forbidden', 'x'))).toBe(false);
  });
});
