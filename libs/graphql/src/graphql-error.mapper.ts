import { Logger } from '@nestjs/common';
import { DomainError, type DomainErrorCode, domainCodeForStatus, toErrorBody } from '@plaza/platform';
import { GraphQLError } from 'graphql';

/** The contract's `extensions.code` for each domain error code (the one GraphQL mapping of DomainError). */
const CODE_BY_DOMAIN_CODE: Record<DomainErrorCode, string> = {
  bad_request: 'BAD_USER_INPUT',
  unauthorized: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  rate_limited: 'RATE_LIMITED',
  unavailable: 'UNAVAILABLE',
};

const logger = new Logger('GraphQL');

/** A GraphQL error carrying one of the contract's codes (and the REST machine code, when there is one). */
export function graphqlError(code: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/**
 * Turns whatever a resolver threw into what a client may see: the services' DomainErrors keep
 * their message and get the contract's code (`reason`: REST's machine `code`, as REST answers
 * it); Nest's HttpExceptions (validation, guards) are mapped by status; anything else is logged
 * and becomes a bare INTERNAL_SERVER_ERROR (same rule as REST's AllExceptionsFilter: no stack, SQL or internals).
 */
export function toGraphQLError(error: unknown): GraphQLError {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  if (original instanceof GraphQLError && typeof original.extensions?.code === 'string') return original;
  if (error instanceof GraphQLError && !error.originalError && typeof error.extensions?.code === 'string') return error;
  const path = error instanceof GraphQLError ? error.path : undefined;
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, {
      path,
      extensions: { code: CODE_BY_DOMAIN_CODE[original.code], reason: original.reason ?? original.code },
    });
  }
  const body = toErrorBody(original);
  if (body.statusCode >= 500 && body.statusCode !== 503) {
    logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
    return new GraphQLError('Internal server error', { path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  const domainCode = domainCodeForStatus(body.statusCode);
  const code = domainCode ? CODE_BY_DOMAIN_CODE[domainCode] : body.statusCode >= 500 ? 'UNAVAILABLE' : 'BAD_USER_INPUT';
  return new GraphQLError(message, {
    path,
    extensions: { code, ...(body.code ? { reason: body.code } : {}) },
  });
}

/**
 * What `__resolveReference` answers for an entity that does not exist or that the caller may not
 * see: NOT_FOUND (REST's 404), so the gateway answers null for it with that code, not an error
 * about a missing non-null field.
 */
export function foundEntity<T>(entity: T | null, typename: string): T {
  if (entity === null) throw graphqlError('NOT_FOUND', `${typename} not found`);
  return entity;
}

/** True when the error means "not found or not visible": nullable lookups answer null instead. */
export function isNotFound(error: unknown): boolean {
  if (error instanceof GraphQLError) return error.extensions?.code === 'NOT_FOUND';
  if (error instanceof DomainError) return error.code === 'not_found';
  return toErrorBody(error).statusCode === 404;
}
