import type { Redis } from '@plaza/redis';

export const TYPING_TTL_MS = 6000;
const DEADLINES = 'rt:typing:deadlines';

const CLAIM_EXPIRED_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
`;

type RedisWithClaim = Redis & { plazaClaimTyping(key: string, now: number): Promise<string[]> };

/**
 * Who is typing where, shared by every gateway: one sorted set of deadlines. Whoever removes an
 * entry (stop, message sent, disconnect, or a sweeper finding it past its deadline) announces
 * `isTyping: false`, exactly once, so a typist whose gateway died still stops typing.
 */
export class TypingStore {
  private readonly redis: RedisWithClaim;

  constructor(redis: Redis) {
    if (!(redis as unknown as Partial<RedisWithClaim>).plazaClaimTyping) {
      redis.defineCommand('plazaClaimTyping', { numberOfKeys: 1, lua: CLAIM_EXPIRED_LUA });
    }
    this.redis = redis as unknown as RedisWithClaim;
  }

  static member(conversationId: string, userId: string): string {
    return `${conversationId}|${userId}`;
  }

  static parse(member: string): { conversationId: string; userId: string } {
    const [conversationId, userId] = member.split('|');
    return { conversationId, userId };
  }

  async start(conversationId: string, userId: string, now = Date.now()): Promise<void> {
    await this.redis.zadd(DEADLINES, now + TYPING_TTL_MS, TypingStore.member(conversationId, userId));
  }

  /** True when this call ended the typing (and so must announce it). */
  async stop(conversationId: string, userId: string): Promise<boolean> {
    return (await this.redis.zrem(DEADLINES, TypingStore.member(conversationId, userId))) === 1;
  }

  /** Removes and returns every typing entry past its deadline; safe to run on every gateway. */
  async claimExpired(now = Date.now()): Promise<{ conversationId: string; userId: string }[]> {
    const due = await this.redis.plazaClaimTyping(DEADLINES, now);
    return due.map((m) => TypingStore.parse(m));
  }
}
