import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { REDIS, type Redis } from '@plaza/redis';
import { isIP } from 'node:net';

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
    const [count, ttlMs] = await this.redis.multi().get(`limit:${key}`).pttl(`limit:${key}`).exec().then((r) => [
      Number(r?.[0]?.[1] ?? 0),
      Number(r?.[1]?.[1] ?? 0),
    ]);
    if (count >= limit) throw tooMany(ttlMs);
  }

  /** Counts a failure without deciding anything now (see `assertBelow`). */
  async record(key: string, windowSeconds: number): Promise<void> {
    await this.redis.eval(HIT_SCRIPT, 1, `limit:${key}`, windowSeconds * 1000);
  }
}

function tooMany(ttlMs: number): HttpException {
  return new HttpException(
    {
      message: 'Too many attempts, retry later',
      code: 'rate_limited',
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(ttlMs / 1000))) },
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

/**
 * The bucket of a client IP for rate limits: an IPv4-mapped IPv6 address counts as its IPv4
 * address, and any other IPv6 address as its /64 (one subscriber's usual allocation, so rotating
 * through it does not buy fresh attempts).
 */
export function ipBucket(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  return `${expandIpv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] {
  const [head, tail] = ip.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::a.b.c.d forms) fills two groups.
  const last = right.length ? right : left;
  if (last.length && last[last.length - 1].includes('.')) {
    const [a, b, c, d] = last.pop()!.split('.').map(Number);
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g || '0', 16).toString(16));
}
