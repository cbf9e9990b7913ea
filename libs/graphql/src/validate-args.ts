import type { Type } from '@nestjs/common';
import { validationPipe } from '@plaza/platform';
import { graphqlError } from './graphql-error.mapper';

const pipe = validationPipe();

/**
 * Validates GraphQL arguments with the same DTO class (and so the same text rules and limits)
 * the REST route uses; a BadRequestException becomes BAD_USER_INPUT through the error mapper.
 */
export async function validateArgs<T extends object>(dto: Type<T>, value: Record<string, unknown>): Promise<T> {
  // GraphQL passes absent optional arguments as undefined and explicit nulls as null: REST omits both.
  const plain = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
  return (await pipe.transform(plain, { type: 'body', metatype: dto, data: '' })) as T;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An `ID!` argument that must be a UUID (REST's ParseUUIDPipe): BAD_USER_INPUT otherwise. */
export function uuidArg(value: string, name: string): string {
  if (!UUID.test(value)) throw graphqlError('BAD_USER_INPUT', `${name} must be a UUID`);
  return value.toLowerCase();
}
