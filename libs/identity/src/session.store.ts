import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Redis } from '@plaza/redis';
import type { Persistence, SessionRecord } from './session.types';
import type { SocketRevoker } from './socket.revoker';

export const sessionKey = (sessionId: string): string => `session:${sessionId}`;
export const userSessionsKey = (userId: string): string => `user-sessions:${userId}`;

/** lastSeenAt is written at most this often, so a busy session costs no extra writes. */
export const TOUCH_INTERVAL_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Reads what a request needs and, at most once per touch interval, refreshes lastSeenAt: one round
// trip. A session unused for the idle TTL is over (and the key is set to expire then, so Redis
// drops it); HSET on an existing key keeps its TTL; a missing key is never recreated.
const VERIFY_SCRIPT = `
local v = redis.call('HMGET', KEYS[1], 'userId', 'roles', 'permissions', 'lastSeenAt', 'expiresAt')
if not v[1] then return nil end
local now = tonumber(ARGV[1])
if tonumber(v[4]) + tonumber(ARGV[3]) <= now then return nil end
if tonumber(v[4]) + tonumber(ARGV[2]) <= now then
  redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1])
  redis.call('PEXPIREAT', KEYS[1], math.min(tonumber(v[5]), now + tonumber(ARGV[3])))
end
return v`;

// Spends the refresh generation atomically: of two concurrent refreshes with one token, one wins.
const ROTATE_SCRIPT = `
local g = redis.call('HGET', KEYS[1], 'refreshGen')
if not g then return -1 end
if g == ARGV[1] then return redis.call('HINCRBY', KEYS[1], 'refreshGen', 1) end
return -2`;

const SET_ROLES_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'roles', ARGV[1], 'permissions', ARGV[2])
  return 1
end
return 0`;

export interface CreateSessionInput {
  userId: string;
  roles: string[];
  permissions: string[];
  persistence: Persistence;
  ttlSeconds: number;
  userAgent?: string | null;
  ip?: string | null;
}

export interface VerifiedSession {
  userId: string;
  roles: string[];
  permissions: string[];
  expiresAt: number;
}

export type RefreshOutcome =
  | { status: 'rotated'; session: SessionRecord; refreshToken: string }
  /** A genuine but already spent token: the session has been revoked. */
  | { status: 'reused'; sessionId: string }
  | { status: 'invalid' };

/**
 * Plaza sessions in Redis. One hash per session (`session:<id>`, expiring with the session) and
 * one set per user (`user-sessions:<userId>`) for listing and revoke-all.
 *
 * Refresh tokens are `<sessionId>.<generation>.<mac>` where mac = HMAC(per-session key,
 * generation). Only the current generation is accepted; an older one with a valid mac can only be
 * a token this session really issued and already spent, so presenting it revokes the session
 * (RFC 6819 refresh token rotation). A forged token with a guessed session id revokes nothing.
 */
export class SessionStore {
  /** A session unused this long is over (SESSION_IDLE_TTL_SECONDS); lastSeenAt is written at most every `touchMs`. */
  readonly idleMs: number;
  private readonly touchMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly revoker?: SocketRevoker,
    { idleTtlSeconds = 604_800 }: { idleTtlSeconds?: number } = {},
  ) {
    this.idleMs = idleTtlSeconds * 1000;
    this.touchMs = Math.min(TOUCH_INTERVAL_MS, Math.floor(this.idleMs / 4));
  }

  async create(input: CreateSessionInput): Promise<{ session: SessionRecord; refreshToken: string }> {
    const now = Date.now();
    const session: SessionRecord = {
      id: randomUUID(),
      userId: input.userId,
      roles: input.roles,
      permissions: input.permissions,
      persistence: input.persistence,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + input.ttlSeconds * 1000,
      userAgent: input.userAgent ?? null,
      ip: input.ip ?? null,
    };
    const refreshKey = randomBytes(32).toString('base64url');
    const key = sessionKey(session.id);
    const userKey = userSessionsKey(input.userId);
    await this.redis
      .multi()
      .hset(key, {
        userId: session.userId,
        roles: JSON.stringify(session.roles),
        permissions: JSON.stringify(session.permissions),
        persistence: session.persistence,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
        userAgent: session.userAgent ?? '',
        ip: session.ip ?? '',
        refreshKey,
        refreshGen: 0,
      })
      .pexpireat(key, Math.min(session.expiresAt, now + this.idleMs))
      .sadd(userKey, session.id)
      // The index lives as long as the user's longest session.
      .expire(userKey, input.ttlSeconds, 'NX')
      .expire(userKey, input.ttlSeconds, 'GT')
      .exec();
    return { session, refreshToken: refreshTokenFor(session.id, refreshKey, 0) };
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    if (!UUID.test(sessionId)) return null;
    const raw = await this.redis.hgetall(sessionKey(sessionId));
    return parseRecord(sessionId, raw, this.idleMs);
  }

  /**
   * When the session ends unless used again (the earlier of its absolute expiry and idle
   * deadline), without touching it; null when it is over already. Sockets are timed with it.
   */
  async endsAt(sessionId: string): Promise<number | null> {
    if (!UUID.test(sessionId)) return null;
    const [lastSeenAt, expiresAt] = await this.redis.hmget(sessionKey(sessionId), 'lastSeenAt', 'expiresAt');
    if (!lastSeenAt || !expiresAt) return null;
    const end = Math.min(Number(expiresAt), Number(lastSeenAt) + this.idleMs);
    return end > Date.now() ? end : null;
  }

  /**
   * Of `sessionIds`, those that are over (signed out, revoked, expired or idle past
   * SESSION_IDLE_TTL_SECONDS), by the rule of `endsAt`, in one round trip. A lookup that fails
   * proves nothing: that session is not counted as over.
   */
  async endedAmong(sessionIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(sessionIds)];
    const ended = new Set<string>();
    if (!unique.length) return ended;
    const pipeline = this.redis.pipeline();
    for (const sid of unique) pipeline.hmget(sessionKey(sid), 'lastSeenAt', 'expiresAt');
    const results = (await pipeline.exec()) ?? [];
    const now = Date.now();
    unique.forEach((sid, i) => {
      const [err, fields] = results[i] ?? [new Error('no reply'), null];
      if (err) return;
      const [lastSeenAt, expiresAt] = fields as (string | null)[];
      if (!UUID.test(sid) || !lastSeenAt || !expiresAt) ended.add(sid);
      else if (Math.min(Number(expiresAt), Number(lastSeenAt) + this.idleMs) <= now) ended.add(sid);
    });
    return ended;
  }

  /** The request path: live session data in one round trip, touching lastSeenAt at most once a minute. */
  async verify(sessionId: string): Promise<VerifiedSession | null> {
    const now = Date.now();
    const v = (await this.redis.eval(VERIFY_SCRIPT, 1, sessionKey(sessionId), now, this.touchMs, this.idleMs)) as
      (string | null)[] | null;
    if (!v || !v[0]) return null;
    const expiresAt = Number(v[4]);
    if (expiresAt <= now) return null;
    return { userId: v[0], roles: parseList(v[1]), permissions: parseList(v[2]), expiresAt };
  }

  /** Spends a refresh token and issues the next one; see the class comment for reuse. */
  async rotate(refreshToken: string): Promise<RefreshOutcome> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return { status: 'invalid' };
    const key = sessionKey(parsed.sessionId);
    const [refreshKey, current] = await this.redis.hmget(key, 'refreshKey', 'refreshGen');
    if (!refreshKey || current === null) return { status: 'invalid' };
    // Idle too long: over, like an expired one (and a refresh is the use that keeps it alive).
    if (!(await this.verify(parsed.sessionId))) return { status: 'invalid' };
    if (!safeEqual(refreshTokenFor(parsed.sessionId, refreshKey, parsed.generation), refreshToken))
      return { status: 'invalid' };
    if (parsed.generation > Number(current)) return { status: 'invalid' };
    const next = (await this.redis.eval(ROTATE_SCRIPT, 1, key, String(parsed.generation))) as number;
    if (next === -1) return { status: 'invalid' };
    if (next === -2) {
      await this.revoke(parsed.sessionId);
      return { status: 'reused', sessionId: parsed.sessionId };
    }
    const session = await this.get(parsed.sessionId);
    if (!session) return { status: 'invalid' };
    return { status: 'rotated', session, refreshToken: refreshTokenFor(session.id, refreshKey, next) };
  }

  async listForUser(userId: string): Promise<SessionRecord[]> {
    const userKey = userSessionsKey(userId);
    const ids = await this.redis.smembers(userKey);
    if (!ids.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(sessionKey(id));
    const results = (await pipeline.exec()) ?? [];
    const live: SessionRecord[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const [err, raw] = results[i] ?? [];
      if (err) throw err;
      const record = parseRecord(id, raw as Record<string, string>, this.idleMs);
      if (record) live.push(record);
      else gone.push(id);
    });
    // Expired sessions leave their id behind in the index; tidy up while we are here.
    if (gone.length) await this.redis.srem(userKey, ...gone);
    return live.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Deletes the session and disconnects its sockets. False when it did not exist (anymore). */
  async revoke(sessionId: string): Promise<boolean> {
    if (!UUID.test(sessionId)) return false;
    const key = sessionKey(sessionId);
    const userId = await this.redis.hget(key, 'userId');
    const results = await this.redis
      .multi()
      .del(key)
      .srem(userId ? userSessionsKey(userId) : 'user-sessions:-', sessionId)
      .exec();
    if (userId) await this.revoker?.revoke(userId, [sessionId]);
    return Number(results?.[0]?.[1] ?? 0) > 0;
  }

  /** Revokes every session of the user (but `except`, e.g. the caller's own) and disconnects their sockets. */
  async revokeAllForUser(userId: string, { except }: { except?: string | null } = {}): Promise<string[]> {
    const userKey = userSessionsKey(userId);
    const ids = (await this.redis.smembers(userKey)).filter((id) => id !== except);
    if (!ids.length) return [];
    await this.redis
      .multi()
      .del(...ids.map(sessionKey))
      .srem(userKey, ...ids)
      .exec();
    await this.revoker?.revoke(userId, ids);
    return ids;
  }

  /** Rewrites roles in every live session of the user, so the next request anywhere sees them. */
  async updateRolesForUser(userId: string, roles: string[], permissions: string[]): Promise<void> {
    const ids = await this.redis.smembers(userSessionsKey(userId));
    if (!ids.length) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids)
      pipeline.eval(SET_ROLES_SCRIPT, 1, sessionKey(id), JSON.stringify(roles), JSON.stringify(permissions));
    await pipeline.exec();
  }
}

function refreshTokenFor(sessionId: string, refreshKey: string, generation: number): string {
  const mac = createHmac('sha256', refreshKey).update(`${sessionId}.${generation}`).digest('base64url');
  return `${sessionId}.${generation}.${mac}`;
}

function parseRefreshToken(token: string): { sessionId: string; generation: number } | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !UUID.test(parts[0]) || !/^\d{1,9}$/.test(parts[1])) return null;
  return { sessionId: parts[0], generation: Number(parts[1]) };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseList(value: string | null | undefined): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function parseRecord(id: string, raw: Record<string, string> | null | undefined, idleMs: number): SessionRecord | null {
  if (!raw || !raw.userId) return null;
  const expiresAt = Number(raw.expiresAt);
  if (!(expiresAt > Date.now()) || !(Number(raw.lastSeenAt) + idleMs > Date.now())) return null;
  return {
    id,
    userId: raw.userId,
    roles: parseList(raw.roles),
    permissions: parseList(raw.permissions),
    persistence: raw.persistence === 'local' ? 'local' : 'session',
    createdAt: Number(raw.createdAt),
    lastSeenAt: Number(raw.lastSeenAt),
    expiresAt,
    userAgent: raw.userAgent || null,
    ip: raw.ip || null,
  };
}
