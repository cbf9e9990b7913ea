import { Inject, Injectable } from '@nestjs/common';
import { defineScripts, REDIS, type Redis, type ScriptedRedis } from '@plaza/redis';
import { isBefore, type Position } from '../common/position';
import { FEED_SETTINGS, type FeedSettings } from '../common/feed.config';
import type { TimelineEntry } from '../posts/post.row';

export const timelineKey = (userId: string): string => `tl:${userId}`;
/** Present while a timeline is being rebuilt, so that fan-out also writes to it meanwhile. */
export const buildingKey = (userId: string): string => `tlb:${userId}`;

/** Keeps an empty but built timeline present (Redis drops empty sorted sets); scored below every post. */
const SENTINEL = '~';
/** Timelines of users who stop reading expire; the next read rebuilds them. */
const TIMELINE_TTL_SECONDS = 3 * 24 * 3600;
const BUILD_MARKER_TTL_SECONDS = 30;
/** Users per fan-out script call: bounds the time one call holds Redis. */
const FANOUT_CHUNK = 500;

/**
 * KEYS: pairs (timeline, building marker). ARGV: cap, then score/member pairs. Adds the entries
 * only to timelines that exist or are being built: a cold timeline is rebuilt whole from
 * PostgreSQL on its next read, and a partial one must never pass for complete.
 */
const ADD_LUA = `
local cap = tonumber(ARGV[1])
local entries = {}
for i = 2, #ARGV do entries[#entries + 1] = ARGV[i] end
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 or redis.call('EXISTS', KEYS[i + 1]) == 1 then
    redis.call('ZADD', KEYS[i], unpack(entries))
    redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(cap + 1))
  end
end
return 0
`;

type TimelineScripts = { plazaTimelineAdd(numKeys: number, ...args: (string | number)[]): Promise<number> };

export interface CachedRange {
  entries: TimelineEntry[];
  /** Nothing older is cached. */
  exhausted: boolean;
  /** The cap cut older entries off: past the end, PostgreSQL has the rest. */
  truncated: boolean;
}

/**
 * Per-user home timelines in Redis sorted sets `tl:<userId>`: post ids scored by creation time
 * in epoch ms, capped at `timelineCap`. Equal scores sort by member, i.e. by post id, which is
 * exactly the (createdAt, id) order of PostgreSQL. A cache only: PostgreSQL is the truth.
 */
@Injectable()
export class TimelineCache {
  private readonly redis: ScriptedRedis<TimelineScripts>;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
  ) {
    this.redis = defineScripts<TimelineScripts>(redis, { plazaTimelineAdd: { lua: ADD_LUA } });
  }

  /** Built and not being rebuilt. */
  async isWarm(userId: string): Promise<boolean> {
    const [[, tl], [, building]] = ((await this.redis
      .pipeline()
      .exists(timelineKey(userId))
      .exists(buildingKey(userId))
      .exec()) ?? []) as [unknown, number][];
    return tl === 1 && building === 0;
  }

  async markBuilding(userId: string): Promise<void> {
    await this.redis.set(buildingKey(userId), '1', 'EX', BUILD_MARKER_TTL_SECONDS);
  }

  /**
   * Completes a rebuild. Merges (never replaces) so that posts fanned out while the rebuild query
   * ran are kept; they were written because the building marker was present.
   */
  async finishBuild(userId: string, entries: readonly TimelineEntry[]): Promise<void> {
    const key = timelineKey(userId);
    const tx = this.redis.multi().zadd(key, -1, SENTINEL);
    if (entries.length) tx.zadd(key, ...entries.flatMap((e) => [e.t, e.id]));
    await tx
      .zremrangebyrank(key, 0, -(this.settings.timelineCap + 1))
      .expire(key, TIMELINE_TTL_SECONDS)
      .del(buildingKey(userId))
      .exec();
  }

  /** Adds entries to every listed timeline that is warm or being built. */
  async add(userIds: readonly string[], entries: readonly TimelineEntry[]): Promise<void> {
    if (!userIds.length || !entries.length) return;
    const args = entries.flatMap((e) => [e.t, e.id]);
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < userIds.length; i += FANOUT_CHUNK) {
      const keys = userIds.slice(i, i + FANOUT_CHUNK).flatMap((u) => [timelineKey(u), buildingKey(u)]);
      void pipeline.plazaTimelineAdd(keys.length, ...keys, this.settings.timelineCap, ...args);
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  }

  async remove(userIds: readonly string[], postIds: readonly string[]): Promise<void> {
    if (!userIds.length || !postIds.length) return;
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) pipeline.zrem(timelineKey(userId), ...postIds);
    await pipeline.exec();
  }

  /**
   * Up to `count` cached entries strictly older than `upper`, newest first; null when the
   * timeline is not warm (checked in the same round trip as the first read).
   */
  async range(userId: string, upper: Position | null, count: number): Promise<CachedRange | null> {
    const key = timelineKey(userId);
    const entries: TimelineEntry[] = [];
    const batch = count + 8;
    const max = upper ? upper.t : '+inf';
    let offset = 0;
    let exhausted = false;
    for (;;) {
      let raw: string[];
      if (offset === 0) {
        const [[, tl], [, building], [, first]] = ((await this.redis
          .pipeline()
          .exists(key)
          .exists(buildingKey(userId))
          .zrevrangebyscore(key, max, '-inf', 'WITHSCORES', 'LIMIT', 0, batch)
          .exec()) ?? []) as [unknown, unknown][];
        if (tl !== 1 || building !== 0) return null;
        raw = first as string[];
      } else {
        // Inclusive of upper.t: entries sharing that millisecond are ordered by id below.
        raw = await this.redis.zrevrangebyscore(key, max, '-inf', 'WITHSCORES', 'LIMIT', offset, batch);
      }
      for (let i = 0; i < raw.length; i += 2) {
        const entry = { id: raw[i], t: Number(raw[i + 1]) };
        if (entry.id === SENTINEL || (upper && !isBefore(entry, upper))) continue;
        entries.push(entry);
      }
      if (raw.length < batch * 2) {
        exhausted = true;
        break;
      }
      if (entries.length >= count) break;
      offset += batch;
    }
    const truncated = exhausted && (await this.redis.zcard(key)) >= this.settings.timelineCap;
    return { entries: entries.slice(0, count), exhausted: exhausted && entries.length <= count, truncated };
  }

  async touch(userId: string): Promise<void> {
    await this.redis.expire(timelineKey(userId), TIMELINE_TTL_SECONDS);
  }
}
