import { graphqlError } from './graphql-error.mapper';

/** Largest page a client may ask for (`first`/`last`), as REST's `?limit=` (contract: Conventions). */
export const MAX_PAGE_SIZE = 100;

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** The contract's `*Connection`: `{ edges { cursor node }, pageInfo { hasNextPage endCursor } }`. */
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** `first`/`last` as a page size: 1..100, else BAD_USER_INPUT (the gateway refuses it before execution too). */
export function pageSize(value: number | null | undefined, fallback: number, name = 'first'): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw graphqlError('BAD_USER_INPUT', `${name} must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * A REST page (`items` + `nextCursor`) as a connection. `cursorOf` must produce the same keyset
 * cursor the service's `nextCursor` uses, so any edge's cursor can be passed as `after`.
 */
export function connectionOf<T, N = T>(
  page: { items: T[]; nextCursor: string | null },
  cursorOf: (item: T) => string,
  nodeOf: (item: T) => N = (item) => item as unknown as N,
): Connection<N> {
  const edges = page.items.map((item) => ({ cursor: cursorOf(item), node: nodeOf(item) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.nextCursor !== null,
      endCursor: page.nextCursor ?? edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
