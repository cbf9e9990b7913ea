import { defineScripts, type Redis, type ScriptedRedis } from '@plaza/redis';
import DataLoader from 'dataloader';
import { connectionsKey } from './read-models';

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

/** Candidates per `plazaAudienceNow` call: Redis runs one script at a time, so a call stays about a millisecond. */
const AUDIENCE_CHUNK = 1000;

/**
 * KEYS: ready key, the author's blocks, the author's connections, then each candidate's
 * following set. ARGV: author id, '1' for a public post, then the candidates. Returns one
 * '0'/'1' per candidate (may receive the post), or nil when the graph is not ready.
 */
const AUDIENCE_NOW_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local author, public = ARGV[1], ARGV[2] == '1'
local out = {}
for i = 3, #ARGV do
  local c, ok = ARGV[i], 0
  if redis.call('SISMEMBER', KEYS[2], c) == 0 then
    if redis.call('SISMEMBER', KEYS[3], c) == 1 then ok = 1
    elseif public and redis.call('SISMEMBER', KEYS[i + 1], author) == 1 then ok = 1 end
  end
  out[#out + 1] = ok
end
return table.concat(out)`;

type SafetyScripts = {
  plazaAudienceNow(...keysAndArgs: (string | number)[]): Promise<string | null>;
};

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

interface BlockCheck {
  userId: string;
  others: readonly string[];
}

export interface DirectoryUser {
  id: string;
  handle: string;
  displayName: string;
}

export class SafetyGraph {
  private readonly redis: ScriptedRedis<SafetyScripts>;

  /**
   * `blockedAmong` calls of one tick share one round trip (a batch of N message sends made N,
   * one socket write each). Never cached: every call reads the state of the moment it was made or later.
   */
  private readonly blockChecks: DataLoader<BlockCheck, Set<string>>;

  constructor(redis: Redis) {
    this.redis = defineScripts<SafetyScripts>(redis, { plazaAudienceNow: { lua: AUDIENCE_NOW_LUA } });
    this.blockChecks = new DataLoader((checks) => this.blockedAmongMany(checks), { cache: false, maxBatchSize: 500 });
  }

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

  /** Which of `others` are blocked either way with `userId`; one round trip, shared with the tick's other calls. */
  async blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    return this.blockChecks.load({ userId, others });
  }

  private async blockedAmongMany(checks: readonly BlockCheck[]): Promise<Array<Set<string> | Error>> {
    const p = this.redis.pipeline().exists(SAFETY_READY_KEY);
    for (const { userId, others } of checks) if (others.length) p.smismember(blocksKey(userId), ...others);
    const [ready, ...replies] = values(await p.exec());
    if (Number(ready) !== 1) return checks.map(() => new SafetyGraphUnavailableError());
    return checks.map(({ others }) => {
      const out = new Set<string>();
      if (others.length) (replies.shift() as number[]).forEach((f, i) => f === 1 && out.add(others[i]));
      return out;
    });
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
    // One script per chunk, not one command per candidate: a 10,000-follower audience was
    // 10,000 SISMEMBERs to encode and parse (hundreds of ms of the fan-out under load).
    const p = this.redis.pipeline();
    const chunks: string[][] = [];
    for (let i = 0; i < candidates.length; i += AUDIENCE_CHUNK) {
      const chunk = candidates.slice(i, i + AUDIENCE_CHUNK);
      chunks.push(chunk);
      p.plazaAudienceNow(
        chunk.length + 3,
        SAFETY_READY_KEY,
        blocksKey(authorId),
        connectionsKey(authorId),
        ...chunk.map(followingKey),
        authorId,
        visibility === 'public' ? '1' : '0',
        ...chunk,
      );
    }
    const flags = values(await p.exec());
    if (flags.some((f) => f === null)) throw new SafetyGraphUnavailableError();
    return chunks.flatMap((chunk, k) => chunk.filter((_, i) => (flags[k] as string).charCodeAt(i) === 49));
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
