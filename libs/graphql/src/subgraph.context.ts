import type { Principal } from '@plaza/identity';
import DataLoader from 'dataloader';

/**
 * What every subgraph resolver gets, built per request: the caller (verified lazily, once, like
 * REST's AuthGuard) and DataLoaders that live exactly as long as the request, so references to
 * the same entity in one operation cost one batched lookup.
 */
export interface SubgraphContext {
  /** The caller; rejects with UNAUTHENTICATED (401 on REST) or UNAVAILABLE. */
  principal(): Promise<Principal>;
  /** The request's DataLoader named `name` (created on first use with `batch`). */
  loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>): DataLoader<K, V>;
}

/**
 * Resolvers in the shape `buildSubgraphSchema` takes; `__resolveReference(reference, context)`
 * resolves an entity for `_entities`. Typed loosely on purpose: each resolver file types its own
 * parent and arguments.
 */
export type SubgraphResolvers = Record<string, Record<string, (...args: never[]) => unknown>>;

export function createLoaders(): SubgraphContext['loader'] {
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return <K, V>(name: string, batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>) => {
    let loader = loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 500 });
      loaders.set(name, loader);
    }
    return loader;
  };
}
