import { Inject, Injectable } from '@nestjs/common';
import { gatewayAliveKey, presenceKey } from '@plaza/realtime';
import { REDIS, type Redis } from '@plaza/redis';

export interface UserPresence {
  /** Gateway instances holding a socket of the user that still heartbeat. */
  liveInstances: string[];
  /** The longest remaining heartbeat TTL among them (ms): a killed gateway is known dead by then. */
  aliveForMs: number;
}

/**
 * Reads the gateways' presence (see `@plaza/realtime` presence keys) at the moment of delivery: a
 * user is online while a live gateway holds a socket of theirs. A gateway that stopped
 * heartbeating no longer counts, even before the others reap its users.
 */
@Injectable()
export class PresenceReader {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async read(userIds: readonly string[]): Promise<Map<string, UserPresence>> {
    const users = [...new Set(userIds)];
    const result = new Map<string, UserPresence>();
    if (!users.length) return result;
    const held = await this.redis.pipeline(users.map((u) => ['hkeys', presenceKey(u)])).exec();
    const instancesOf = users.map((_, i) => {
      const [err, keys] = held?.[i] ?? [];
      if (err) throw err;
      return (keys as string[] | null) ?? [];
    });
    const instances = [...new Set(instancesOf.flat())];
    const ttls = new Map<string, number>();
    if (instances.length) {
      const replies = await this.redis.pipeline(instances.map((g) => ['pttl', gatewayAliveKey(g)])).exec();
      instances.forEach((g, i) => {
        const [err, ttl] = replies?.[i] ?? [];
        if (err) throw err;
        // -2: no key (dead); -1: no expiry (treat as alive for a heartbeat period).
        const ms = Number(ttl);
        if (ms !== -2) ttls.set(g, ms === -1 ? 15_000 : ms);
      });
    }
    users.forEach((u, i) => {
      const live = instancesOf[i].filter((g) => ttls.has(g));
      result.set(u, { liveInstances: live, aliveForMs: Math.max(0, ...live.map((g) => ttls.get(g)!)) });
    });
    return result;
  }

  /** Which of `instances` still heartbeat. */
  async alive(instances: readonly string[]): Promise<Set<string>> {
    if (!instances.length) return new Set();
    const replies = await this.redis.pipeline(instances.map((g) => ['exists', gatewayAliveKey(g)])).exec();
    return new Set(instances.filter((_, i) => Number(replies?.[i]?.[1]) === 1));
  }
}
