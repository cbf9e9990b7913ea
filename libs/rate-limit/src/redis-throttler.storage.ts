import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from '@plaza/redis';

// One round trip per request: count the hit in a fixed window, and block for blockDuration once
// over the limit. Counters live in Redis so that limits hold across every instance of every app.
const INCREMENT_SCRIPT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  return {hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blocked}
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}`;

/** ThrottlerStorage on our own Redis client (no extra dependency). Times in and out as the guard expects. */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'throttle',
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const base = `${this.prefix}:${throttlerName}:${key}`;
    const [totalHits, ttlMs, isBlocked, blockMs] = (await this.redis.eval(
      INCREMENT_SCRIPT,
      2,
      `${base}:hits`,
      `${base}:block`,
      Math.max(1, Math.round(ttl)),
      limit,
      Math.max(1, Math.round(blockDuration)),
    )) as [number, number, number, number];
    return {
      totalHits,
      // The guard reports these in seconds (X-RateLimit-Reset, Retry-After).
      timeToExpire: Math.ceil(ttlMs / 1000),
      isBlocked: isBlocked === 1,
      timeToBlockExpire: Math.ceil(blockMs / 1000),
    };
  }
}
