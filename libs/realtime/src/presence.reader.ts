import type { Redis } from 'ioredis';
import { lastSeenKey, presenceKey } from './presence-keys';
import { ConnectionsReadModel } from './read-models';

export interface PresenceStatus {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
}

/** Online state and last-seen time of users, in order: two reads per user in one pipeline. */
export async function readPresence(redis: Redis, userIds: readonly string[]): Promise<PresenceStatus[]> {
  if (!userIds.length) return [];
  const pipeline = redis.pipeline();
  for (const id of userIds) pipeline.hlen(presenceKey(id)).get(lastSeenKey(id));
  const results = (await pipeline.exec()) ?? [];
  return userIds.map((userId, i) => {
    const online = Number(results[i * 2]?.[1]) > 0;
    const lastSeen = results[i * 2 + 1]?.[1] as string | null;
    return { userId, online, lastSeenAt: online ? null : lastSeen };
  });
}

/**
 * Presence as `viewerId` may see it (contract: `GET /api/presence`): their connections' real
 * state, anyone else offline with no last-seen time.
 */
export async function visiblePresence(
  redis: Redis,
  viewerId: string,
  userIds: readonly string[],
): Promise<PresenceStatus[]> {
  const connected = new Set(userIds.length ? await new ConnectionsReadModel(redis).connections(viewerId) : []);
  const known = new Map(
    (
      await readPresence(
        redis,
        userIds.filter((id) => connected.has(id)),
      )
    ).map((s) => [s.userId, s]),
  );
  return userIds.map((userId) => known.get(userId) ?? { userId, online: false, lastSeenAt: null });
}
