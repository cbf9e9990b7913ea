import { defineScripts, type Redis, type ScriptedRedis } from '@plaza/redis';
import { conversationMembersKey } from './read-models';

export const TYPING_TTL_MS = 6000;
const DEADLINES = 'rt:typing:deadlines';

const CLAIM_EXPIRED_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
`;

/**
 * Rate limit, membership and deadline in one round trip: returns the members when the caller may
 * type, -1 when over the limit, 0 when not a member.
 */
const START_LUA = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
if count > tonumber(ARGV[1]) then return -1 end
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
return redis.call('SMEMBERS', KEYS[2])
`;

export type TypingStart =
  { outcome: 'started'; members: string[] } | { outcome: 'rate_limited' } | { outcome: 'not_member' };

type TypingScripts = {
  plazaClaimTyping(key: string, now: number): Promise<string[]>;
  plazaStartTyping(
    limitKey: string,
    membersKey: string,
    deadlines: string,
    ...args: (string | number)[]
  ): Promise<string[] | number>;
};

/**
 * Who is typing where, shared by every gateway: one sorted set of deadlines. Whoever removes an
 * entry (stop, message sent, disconnect, or a sweeper finding it past its deadline) announces
 * `isTyping: false`, exactly once, so a typist whose gateway died still stops typing.
 */
export class TypingStore {
  private readonly redis: ScriptedRedis<TypingScripts>;

  constructor(redis: Redis) {
    this.redis = defineScripts<TypingScripts>(redis, {
      plazaClaimTyping: { numberOfKeys: 1, lua: CLAIM_EXPIRED_LUA },
      plazaStartTyping: { numberOfKeys: 3, lua: START_LUA },
    });
  }

  static member(conversationId: string, userId: string): string {
    return `${conversationId}|${userId}`;
  }

  static parse(member: string): { conversationId: string; userId: string } {
    const [conversationId, userId] = member.split('|');
    return { conversationId, userId };
  }

  /**
   * Starts (or renews) typing if the user is within `limit` starts per second (counted under
   * `limit.key`) and a member of the conversation (per messaging's `ConversationMembers`).
   */
  async start(
    conversationId: string,
    userId: string,
    limit: { key: string; max: number },
    now = Date.now(),
  ): Promise<TypingStart> {
    const result = await this.redis.plazaStartTyping(
      limit.key,
      conversationMembersKey(conversationId),
      DEADLINES,
      limit.max,
      userId,
      TypingStore.member(conversationId, userId),
      now + TYPING_TTL_MS,
    );
    if (result === -1) return { outcome: 'rate_limited' };
    if (result === 0) return { outcome: 'not_member' };
    return { outcome: 'started', members: result as string[] };
  }

  /** True when this call ended the typing (and so must announce it). */
  async stop(conversationId: string, userId: string): Promise<boolean> {
    return (await this.redis.zrem(DEADLINES, TypingStore.member(conversationId, userId))) === 1;
  }

  /** `stop` of many (conversation, user) pairs in one round trip; true where that call ended the typing. */
  async stopMany(entries: ReadonlyArray<{ conversationId: string; userId: string }>): Promise<boolean[]> {
    if (!entries.length) return [];
    const pipeline = this.redis.pipeline();
    for (const { conversationId, userId } of entries)
      pipeline.zrem(DEADLINES, TypingStore.member(conversationId, userId));
    const results = (await pipeline.exec()) ?? [];
    return entries.map((_, i) => {
      const [err, removed] = results[i] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return removed === 1;
    });
  }

  /** Removes and returns every typing entry past its deadline; safe to run on every gateway. */
  async claimExpired(now = Date.now()): Promise<{ conversationId: string; userId: string }[]> {
    const due = await this.redis.plazaClaimTyping(DEADLINES, now);
    return due.map((m) => TypingStore.parse(m));
  }
}
