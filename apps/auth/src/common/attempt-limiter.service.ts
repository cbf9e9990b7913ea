import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import { REDIS, type Redis } from '@plaza/redis';

// Counts one attempt in a fixed window: one round trip, the window starts with the first attempt.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/**
 * Counters for the limits the auth app decides itself (contract: login limits per account and
 * per IP, forgot-password, verification resends), in Redis so they hold over every instance.
 * Past a limit: 429 `rate_limited` with `Retry-After` in seconds.
 */
@Injectable()
export class AttemptLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Counts an attempt; throws 429 when it is over `limit` in `windowSeconds`. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<void> {
    const [count, ttlMs] = (await this.redis.eval(HIT_SCRIPT, 1, `limit:${key}`, windowSeconds * 1000)) as [
      number,
      number,
    ];
    if (count > limit) throw tooMany(ttlMs);
  }

  /** Throws 429 when `key` already counted `limit` (e.g. failures); counts nothing. */
  async assertBelow(key: string, limit: number): Promise<void> {
    const [count, ttlMs] = await this.redis
      .multi()
      .get(`limit:${key}`)
      .pttl(`limit:${key}`)
      .exec()
      .then((r) => [Number(r?.[0]?.[1] ?? 0), Number(r?.[1]?.[1] ?? 0)]);
    if (count >= limit) throw tooMany(ttlMs);
  }

  /** Counts a failure without deciding anything now (see `assertBelow`). */
  async record(key: string, windowSeconds: number): Promise<void> {
    await this.redis.eval(HIT_SCRIPT, 1, `limit:${key}`, windowSeconds * 1000);
  }
}

function tooMany(ttlMs: number): DomainError {
  return new DomainError('rate_limited', 'Too many attempts, retry later', {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(ttlMs / 1000))) },
  });
}
