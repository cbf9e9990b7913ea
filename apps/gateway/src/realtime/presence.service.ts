import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { defineScripts, REDIS, type Redis, type ScriptedRedis } from '@plaza/redis';
import {
  ConnectionsReadModel,
  type EphemeralEvents,
  GATEWAY_ALIVE_TTL_MS as ALIVE_TTL_MS,
  GATEWAY_INSTANCES_KEY as INSTANCES,
  gatewayAliveKey as aliveKey,
  gatewayUsersKey as usersKey,
  lastSeenKey,
  presenceKey,
  type PresenceStatus,
  userRoom,
  visiblePresence,
} from '@plaza/realtime';
import type { PlazaServer } from './socket-data';
import { socketCountKey } from './socket-quota.service';

const HEARTBEAT_MS = 5000;

/** Removes one instance from a user's presence; returns how many instances still hold the user. */
const LEAVE_LUA = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
local left = redis.call('HLEN', KEYS[1])
if left == 0 then redis.call('SET', KEYS[3], ARGV[3], 'EX', 2592000) end
return left
`;

type PresenceScripts = {
  plazaPresenceLeave(
    hash: string,
    users: string,
    lastSeen: string,
    instance: string,
    userId: string,
    now: string,
  ): Promise<number>;
};

/**
 * Who is online across every gateway. Each instance holds a per-user hash field while it has a
 * socket of that user and heartbeats a TTL key; when an instance stops heartbeating (killed),
 * the others find it within ~20 s and take its users offline.
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  readonly instanceId = randomUUID();
  private readonly local = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private server?: PlazaServer;
  private readonly redis: ScriptedRedis<PresenceScripts>;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly connections: ConnectionsReadModel,
  ) {
    this.redis = defineScripts<PresenceScripts>(redis, { plazaPresenceLeave: { numberOfKeys: 3, lua: LEAVE_LUA } });
  }

  attach(server: PlazaServer): void {
    this.server = server;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.heartbeat();
    this.timer = setInterval(() => {
      this.heartbeat()
        .then(() => this.reapDeadInstances())
        .catch((err: Error) => this.logger.warn(`presence heartbeat: ${err.message}`));
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // This instance's sockets no longer count against their users' SOCKETS_PER_USER.
    const quotas = this.redis.multi();
    for (const userId of this.local.keys()) quotas.hdel(socketCountKey(userId), this.instanceId);
    await quotas.exec().catch(() => undefined);
    await this.redis
      .multi()
      .del(aliveKey(this.instanceId), usersKey(this.instanceId))
      .srem(INSTANCES, this.instanceId)
      .exec()
      .catch(() => undefined);
  }

  async connected(userId: string): Promise<void> {
    const count = (this.local.get(userId) ?? 0) + 1;
    this.local.set(userId, count);
    if (count > 1) return;
    const results = await this.redis
      .multi()
      .hset(presenceKey(userId), this.instanceId, '1')
      .sadd(usersKey(this.instanceId), userId)
      .hlen(presenceKey(userId))
      .exec();
    if (Number(results?.[2]?.[1]) === 1) await this.announce(userId, { userId, online: true, lastSeenAt: null });
  }

  async disconnected(userId: string): Promise<void> {
    const count = (this.local.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.local.set(userId, count);
      return;
    }
    this.local.delete(userId);
    await this.leave(this.instanceId, userId, new Date());
  }

  /** Presence as `viewerId` may see it: their connections' real state, anyone else offline. */
  async visibleTo(viewerId: string, userIds: string[]): Promise<PresenceStatus[]> {
    return visiblePresence(this.redis, viewerId, userIds);
  }

  private async leave(instance: string, userId: string, at: Date): Promise<void> {
    const left = await this.redis.plazaPresenceLeave(
      presenceKey(userId),
      usersKey(instance),
      lastSeenKey(userId),
      instance,
      userId,
      at.toISOString(),
    );
    if (Number(left) === 0) await this.announce(userId, { userId, online: false, lastSeenAt: at.toISOString() });
  }

  private async heartbeat(): Promise<void> {
    await this.redis
      .multi()
      .set(aliveKey(this.instanceId), '1', 'PX', ALIVE_TTL_MS)
      .sadd(INSTANCES, this.instanceId)
      .exec();
  }

  /** One live instance (whoever wins the lock) takes a dead instance's users offline. */
  private async reapDeadInstances(): Promise<void> {
    const instances = await this.redis.smembers(INSTANCES);
    for (const instance of instances) {
      if (instance === this.instanceId || (await this.redis.exists(aliveKey(instance)))) continue;
      const won = await this.redis.set(`rt:gw:${instance}:reaping`, this.instanceId, 'PX', 30_000, 'NX');
      if (!won) continue;
      const users = await this.redis.smembers(usersKey(instance));
      const diedAt = new Date(Date.now() - ALIVE_TTL_MS);
      for (const userId of users) {
        await this.leave(instance, userId, diedAt);
        await this.redis.hdel(socketCountKey(userId), instance);
      }
      await this.redis.multi().del(usersKey(instance)).srem(INSTANCES, instance).exec();
      this.logger.log(`gateway ${instance} stopped heartbeating: ${users.length} users taken offline`);
    }
  }

  private async announce(userId: string, payload: EphemeralEvents['presence']): Promise<void> {
    const connections = await this.connections.connections(userId);
    if (connections.length && this.server) this.server.to(connections.map(userRoom)).emit('presence', payload);
  }
}
