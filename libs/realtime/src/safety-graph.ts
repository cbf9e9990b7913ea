import type { Redis } from '@plaza/redis';
import { connectionsKey, conversationKindKey, conversationMembersKey } from './read-models';

/**
 * The safety graph: the relations that decide who may see or reach whom (blocks either way,
 * connections, follows), as Redis sets written by their owner (profiles) after its commit and
 * BEFORE its answer, and read by feed, messaging and the gateway on every access. It is what makes
 * "The consistency rule" hold: once a block, unblock, unfollow or disconnect has answered, every
 * instance reads the new state. Events still carry the catch-up work (timelines, counters,
 * notifications) to the apps' own read models.
 *
 * Redis keeps nothing on disk: a model that is missing must never read as "no block". The owner
 * sets `SAFETY_READY_KEY` only after a full rebuild from PostgreSQL; readers that do not find it
 * fail closed (`SafetyGraphUnavailableError`, answered 503) until the rebuild is done.
 */
export const SAFETY_READY_KEY = 'sg:ready';
/** Users with a block either way with `userId` (symmetric). */
export const blocksKey = (userId: string): string => `sg:u:${userId}:blocks`;
/** Users `userId` follows. */
export const followingKey = (userId: string): string => `sg:u:${userId}:following`;

/** A deleted post, kept as long as the event logs that may still replay it (feed writes it before answering). */
export const deletedPostKey = (postId: string): string => `sg:post:${postId}:deleted`;
const DELETED_POST_TTL_SECONDS = 8 * 24 * 60 * 60;

/** The user directory: written by auth before a registration answers. */
export const USERS_READY_KEY = 'sg:users-ready';
export const directoryUserKey = (userId: string): string => `sg:user:${userId}`;
export const directoryHandleKey = (handle: string): string => `sg:handle:${handle}`;

export class SafetyGraphUnavailableError extends Error {
  /** Recognised by the HTTP exception filter as "unavailable" (503). */
  readonly code = 'PLAZA_REBUILDING';
  constructor(what = 'safety graph') {
    super(`${what} is being rebuilt`);
  }
}

/** A pair's current relations, as the owner read them under the pair's lock. */
export interface PairState {
  blocked: boolean;
  connected: boolean;
  aFollowsB: boolean;
  bFollowsA: boolean;
}

/** What one viewer's requests are decided from. */
export interface ViewerGraph {
  /** Blocked either way with the viewer. */
  blocked: Set<string>;
  connections: Set<string>;
  following: Set<string>;
}

export interface DirectoryUser {
  id: string;
  handle: string;
  displayName: string;
}

export class SafetyGraph {
  constructor(private readonly redis: Redis) {}

  /** Owner only: the pair's state, idempotent (sets), both directions in one MULTI. */
  async writePair(a: string, b: string, s: PairState): Promise<void> {
    const tx = this.redis.multi();
    if (s.blocked) tx.sadd(blocksKey(a), b).sadd(blocksKey(b), a);
    else tx.srem(blocksKey(a), b).srem(blocksKey(b), a);
    if (s.connected) tx.sadd(connectionsKey(a), b).sadd(connectionsKey(b), a);
    else tx.srem(connectionsKey(a), b).srem(connectionsKey(b), a);
    if (s.aFollowsB) tx.sadd(followingKey(a), b);
    else tx.srem(followingKey(a), b);
    if (s.bFollowsA) tx.sadd(followingKey(b), a);
    else tx.srem(followingKey(b), a);
    await tx.exec();
  }

  /** Owner only: additive load of many edges (a rebuild). */
  async load(edges: { blocks: [string, string][]; connections: [string, string][]; follows: [string, string][] }) {
    const CHUNK = 1000;
    const all: Array<[string, string]> = [];
    for (const [a, b] of edges.blocks) all.push([blocksKey(a), b], [blocksKey(b), a]);
    for (const [a, b] of edges.connections) all.push([connectionsKey(a), b], [connectionsKey(b), a]);
    for (const [a, b] of edges.follows) all.push([followingKey(a), b]);
    for (let i = 0; i < all.length; i += CHUNK) {
      const p = this.redis.pipeline();
      for (const [key, member] of all.slice(i, i + CHUNK)) p.sadd(key, member);
      await p.exec();
    }
  }

  async isReady(): Promise<boolean> {
    return (await this.redis.exists(SAFETY_READY_KEY)) === 1;
  }

  async markReady(): Promise<void> {
    await this.redis.set(SAFETY_READY_KEY, String(Date.now()));
  }

  /** The viewer's relations, in one round trip. Throws SafetyGraphUnavailableError while rebuilding. */
  async viewer(userId: string): Promise<ViewerGraph> {
    const res = await this.redis
      .pipeline()
      .exists(SAFETY_READY_KEY)
      .smembers(blocksKey(userId))
      .smembers(connectionsKey(userId))
      .smembers(followingKey(userId))
      .exec();
    const [ready, blocked, connections, following] = values(res);
    if (Number(ready) !== 1) throw new SafetyGraphUnavailableError();
    return {
      blocked: new Set(blocked as string[]),
      connections: new Set(connections as string[]),
      following: new Set(following as string[]),
    };
  }

  /** Which of `others` are blocked either way with `userId`; one round trip. */
  async blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    const p = this.redis.pipeline().exists(SAFETY_READY_KEY);
    if (others.length) p.smismember(blocksKey(userId), ...others);
    const [ready, flags] = values(await p.exec());
    if (Number(ready) !== 1) throw new SafetyGraphUnavailableError();
    const out = new Set<string>();
    ((flags as number[] | undefined) ?? []).forEach((f, i) => f === 1 && out.add(others[i]));
    return out;
  }

  /**
   * For typing in a conversation, in one round trip: the members blocked either way with
   * `userId`, and whether the conversation is direct (its kind, or two members for a set written
   * before kinds were). A non-member gets nothing blocked (the caller refuses them); a member
   * gets SafetyGraphUnavailableError while the graph is being rebuilt.
   */
  async blockedInConversation(
    userId: string,
    conversationId: string,
  ): Promise<{ direct: boolean; blocked: Set<string> }> {
    const res = await this.redis
      .pipeline()
      .exists(SAFETY_READY_KEY)
      .get(conversationKindKey(conversationId))
      .smembers(conversationMembersKey(conversationId))
      .smembers(blocksKey(userId))
      .exec();
    const [ready, kind, members, blocks] = values(res) as [number, string | null, string[], string[]];
    if (!members.includes(userId)) return { direct: false, blocked: new Set() };
    if (Number(ready) !== 1) throw new SafetyGraphUnavailableError();
    return {
      direct: kind === 'direct' || (kind === null && members.length === 2),
      blocked: new Set(members.filter((m) => m !== userId && blocks.includes(m))),
    };
  }

  /** Which of `others` are connections of `userId`; one round trip. */
  async connectedAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    const p = this.redis.pipeline().exists(SAFETY_READY_KEY);
    if (others.length) p.smismember(connectionsKey(userId), ...others);
    const [ready, flags] = values(await p.exec());
    if (Number(ready) !== 1) throw new SafetyGraphUnavailableError();
    const out = new Set<string>();
    ((flags as number[] | undefined) ?? []).forEach((f, i) => f === 1 && out.add(others[i]));
    return out;
  }

  /**
   * Of `candidates` (the author's audience as an event-fed read model has it), those who may
   * still receive a post of `authorId` now: no block either way, a connection for `connections`
   * posts, else a follow or a connection. One round trip.
   */
  async audienceNow(authorId: string, candidates: readonly string[], visibility: string): Promise<string[]> {
    if (!candidates.length) return [];
    const p = this.redis.pipeline().exists(SAFETY_READY_KEY);
    p.smismember(blocksKey(authorId), ...candidates).smismember(connectionsKey(authorId), ...candidates);
    for (const c of candidates) p.sismember(followingKey(c), authorId);
    const [ready, blocked, connected, ...follows] = values(await p.exec());
    if (Number(ready) !== 1) throw new SafetyGraphUnavailableError();
    return candidates.filter((_, i) => {
      if ((blocked as number[])[i] === 1) return false;
      if ((connected as number[])[i] === 1) return true;
      return visibility === 'public' && follows[i] === 1;
    });
  }

  /** Feed only: after the delete commits, before it answers. */
  async markPostDeleted(postId: string): Promise<void> {
    await this.redis.set(deletedPostKey(postId), '1', 'EX', DELETED_POST_TTL_SECONDS);
  }

  async deletedAmong(postIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (!postIds.length) return out;
    const p = this.redis.pipeline();
    for (const id of postIds) p.exists(deletedPostKey(id));
    values(await p.exec()).forEach((v, i) => Number(v) === 1 && out.add(postIds[i]));
    return out;
  }

  // ---- user directory -------------------------------------------------------------------------

  /** Auth only: before a registration (or a provisioning, or a rename) answers. */
  async putUser(user: DirectoryUser): Promise<void> {
    await this.redis
      .multi()
      .set(directoryUserKey(user.id), JSON.stringify(user))
      .set(directoryHandleKey(user.handle), user.id)
      .exec();
  }

  async loadUsers(users: readonly DirectoryUser[]): Promise<void> {
    const p = this.redis.pipeline();
    for (const u of users)
      p.set(directoryUserKey(u.id), JSON.stringify(u), 'NX').set(directoryHandleKey(u.handle), u.id, 'NX');
    await p.exec();
  }

  async usersReady(): Promise<boolean> {
    return (await this.redis.exists(USERS_READY_KEY)) === 1;
  }

  async markUsersReady(): Promise<void> {
    await this.redis.set(USERS_READY_KEY, String(Date.now()));
  }

  /**
   * Users by id: null for one that does not exist. Throws SafetyGraphUnavailableError when the
   * directory is being rebuilt and an id is not (yet) in it.
   */
  async users(ids: readonly string[]): Promise<Map<string, DirectoryUser | null>> {
    const out = new Map<string, DirectoryUser | null>();
    if (!ids.length) return out;
    const p = this.redis.pipeline().exists(USERS_READY_KEY);
    for (const id of ids) p.get(directoryUserKey(id));
    const [ready, ...found] = values(await p.exec());
    ids.forEach((id, i) => {
      const raw = found[i] as string | null;
      if (!raw && Number(ready) !== 1) throw new SafetyGraphUnavailableError('user directory');
      out.set(id, raw ? (JSON.parse(raw) as DirectoryUser) : null);
    });
    return out;
  }

  async userByHandle(handle: string): Promise<DirectoryUser | null> {
    const [ready, id] = values(
      await this.redis.pipeline().exists(USERS_READY_KEY).get(directoryHandleKey(handle)).exec(),
    );
    if (!id) {
      if (Number(ready) !== 1) throw new SafetyGraphUnavailableError('user directory');
      return null;
    }
    const user = (await this.users([id as string])).get(id as string) ?? null;
    // A handle that moved on (renamed) no longer names that user.
    return user && user.handle === handle ? user : null;
  }
}

function values(res: [Error | null, unknown][] | null): unknown[] {
  return (res ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}
