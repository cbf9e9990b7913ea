import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type Redis } from '@plaza/redis';

/** Per-user, per-second limits on socket commands, shared by every gateway through Redis. */
export const SOCKET_LIMITS = { 'message:send': 20, 'typing:start': 5 } as const;
export type LimitedEvent = keyof typeof SOCKET_LIMITS;

@Injectable()
export class SocketRateLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  key(event: LimitedEvent, userId: string, now = Date.now()): string {
    return `rl:ws:${event}:${userId}:${Math.floor(now / 1000)}`;
  }

  /** True when this hit is within the limit. One round trip. */
  async allow(event: LimitedEvent, userId: string): Promise<boolean> {
    const key = this.key(event, userId);
    const results = await this.redis.multi().incr(key).pexpire(key, 2000).exec();
    const count = Number(results?.[0]?.[1] ?? Infinity);
    return count <= SOCKET_LIMITS[event];
  }
}
