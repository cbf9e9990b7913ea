import type { Redis } from '@plaza/redis';

/**
 * Redis read models the gateway consults on the socket path, kept by the apps that own the data:
 * conversation members by messaging, connections by profiles. Plain sets, so every write is
 * idempotent and an event handler may run twice.
 */
export const conversationMembersKey = (conversationId: string): string => `rm:conv:${conversationId}:members`;
/** `direct` or `group`; never changes once written. */
export const conversationKindKey = (conversationId: string): string => `rm:conv:${conversationId}:kind`;
export const connectionsKey = (userId: string): string => `rm:user:${userId}:connections`;

export class ConversationMembers {
  constructor(private readonly redis: Redis) {}

  async set(conversationId: string, userIds: readonly string[], kind?: 'direct' | 'group'): Promise<void> {
    const key = conversationMembersKey(conversationId);
    const tx = this.redis.multi().del(key);
    if (userIds.length) tx.sadd(key, ...userIds);
    if (kind) tx.set(conversationKindKey(conversationId), kind);
    await tx.exec();
  }

  async add(conversationId: string, userId: string): Promise<void> {
    await this.redis.sadd(conversationMembersKey(conversationId), userId);
  }

  async remove(conversationId: string, userId: string): Promise<void> {
    await this.redis.srem(conversationMembersKey(conversationId), userId);
  }

  async members(conversationId: string): Promise<string[]> {
    return this.redis.smembers(conversationMembersKey(conversationId));
  }

  /**
   * Of `conversations`, the ids whose member set is missing (Redis restarted empty), in one round
   * trip; writes each kind where it is missing on the way (a kind never changes).
   */
  async missing(
    conversations: ReadonlyArray<{ conversationId: string; kind: 'direct' | 'group' }>,
  ): Promise<Set<string>> {
    const pipeline = this.redis.pipeline();
    for (const { conversationId } of conversations) pipeline.exists(conversationMembersKey(conversationId));
    for (const { conversationId, kind } of conversations) pipeline.set(conversationKindKey(conversationId), kind, 'NX');
    const exists = (await pipeline.exec()) ?? [];
    return new Set(conversations.filter((_, i) => Number(exists[i]?.[1]) === 0).map((c) => c.conversationId));
  }
}

export class ConnectionsReadModel {
  constructor(private readonly redis: Redis) {}

  async connect(a: string, b: string): Promise<void> {
    await this.redis.multi().sadd(connectionsKey(a), b).sadd(connectionsKey(b), a).exec();
  }

  async disconnect(a: string, b: string): Promise<void> {
    await this.redis.multi().srem(connectionsKey(a), b).srem(connectionsKey(b), a).exec();
  }

  async connections(userId: string): Promise<string[]> {
    return this.redis.smembers(connectionsKey(userId));
  }
}
