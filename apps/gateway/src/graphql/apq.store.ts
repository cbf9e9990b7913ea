import type { APQStore } from '@graphql-yoga/plugin-apq';
import type { Redis } from '@plaza/redis';

/** Persisted queries live a week after their last registration. */
const TTL_SECONDS = 7 * 24 * 3600;

/**
 * Automatic persisted queries in Redis, so a hash registered through one gateway is known to
 * all. Content-addressed (sha256 of the query, checked by the plugin), so sharing is safe.
 */
export function redisApqStore(redis: Redis): APQStore {
  return {
    get: (hash) => redis.get(`graphql:apq:${hash}`),
    set: (hash, query) => redis.set(`graphql:apq:${hash}`, query, 'EX', TTL_SECONDS),
  };
}
