import { Inject, Injectable, Logger } from '@nestjs/common';
import { SafetyGraph, type ViewerGraph } from '@plaza/realtime';
import { pageOf } from '@plaza/platform';
import { comparePositionsDesc, decodePosition, isBefore, type Position, positionCursor } from '../common/position';
import { FEED_SETTINGS, type FeedSettings } from '../common/feed.config';
import type { PostRow, TimelineEntry } from '../posts/post.row';
import { PostsRepository } from '../posts/posts.repository';
import { type CachedRange, TimelineCache } from './timeline.cache';

export interface TimelinePage {
  items: PostRow[];
  nextCursor: string | null;
}

const positionOf = (row: PostRow): Position => ({ t: row.created_at.getTime(), id: row.id });

/**
 * The home timeline, hybrid: ordinary authors' posts are fanned out on write into the cached
 * timeline; posts of authors with more followers than the threshold, and of sources gained so
 * recently that the feed's event handler has not brought them in yet, are merged in at read.
 * Whatever the cache says, every post shown passes the visibility, block and "still followed"
 * rules in PostgreSQL at read, and a cold, evicted or truncated timeline falls back to
 * PostgreSQL, so the cache can be flushed or turned off without losing a post.
 */
@Injectable()
export class TimelineService {
  private readonly logger = new Logger(TimelineService.name);

  constructor(
    private readonly posts: PostsRepository,
    private readonly cache: TimelineCache,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    private readonly safety: SafetyGraph,
  ) {}

  async page(viewerId: string, limit: number, cursor: string | undefined): Promise<TimelinePage> {
    const after = decodePosition(cursor);
    // One more than asked tells whether a next page exists.
    const want = limit + 1;
    if (!this.settings.cacheEnabled) {
      const graph = await this.safety.viewer(viewerId);
      return this.toPage(await this.fromDatabase(viewerId, after, want, graph), limit);
    }
    // The rules of this request (the viewer's relations as profiles last answered them) and the
    // first cached range do not depend on each other: one round trip's wait for both.
    const [graph, first] = await Promise.all([
      this.safety.viewer(viewerId),
      this.cache.range(viewerId, after, want).catch((err: Error) => err),
    ]);
    return this.toPage(await this.fromCache(viewerId, after, want, graph, first), limit);
  }

  private toPage(rows: PostRow[], limit: number): TimelinePage {
    return pageOf(rows, limit, positionCursor);
  }

  /** Rebuilds a cold timeline from PostgreSQL (see TimelineCache.finishBuild for the race it closes). */
  async ensureWarm(viewerId: string, graph: ViewerGraph): Promise<void> {
    if (await this.cache.isWarm(viewerId)) return;
    await this.cache.markBuilding(viewerId);
    const entries = await this.posts.timeline(undefined, viewerId, null, this.settings.timelineCap, graph);
    await this.cache.finishBuild(viewerId, entries);
  }

  private async fromDatabase(
    viewerId: string,
    after: Position | null,
    want: number,
    graph: ViewerGraph,
  ): Promise<PostRow[]> {
    const out: PostRow[] = [];
    let upper = after;
    // Rows can drop out between the two queries (a delete, a block): loop until the page is full.
    while (out.length < want) {
      const need = want - out.length;
      const entries = await this.posts.timeline(undefined, viewerId, upper, need, graph);
      out.push(
        ...(await this.posts.load(
          undefined,
          viewerId,
          entries.map((e) => e.id),
          'timeline',
          graph,
        )),
      );
      if (entries.length < need) break;
      upper = entries[entries.length - 1];
    }
    return out;
  }

  /**
   * The cached range, rebuilding a cold timeline first; null when Redis cannot serve it.
   * `prefetched`: the outcome of the same `range` call made already (an Error if it failed).
   */
  private async cachedRange(
    viewerId: string,
    upper: Position | null,
    count: number,
    graph: ViewerGraph,
    prefetched?: CachedRange | null | Error,
  ): Promise<CachedRange | null> {
    try {
      if (prefetched instanceof Error) throw prefetched;
      const range = prefetched !== undefined ? prefetched : await this.cache.range(viewerId, upper, count);
      if (range) return range;
      await this.ensureWarm(viewerId, graph);
      return await this.cache.range(viewerId, upper, count);
    } catch (err) {
      this.logger.warn(`timeline cache unavailable, reading PostgreSQL: ${(err as Error).message}`);
      return null;
    }
  }

  private async fromCache(
    viewerId: string,
    after: Position | null,
    want: number,
    graph: ViewerGraph,
    first: CachedRange | null | Error,
  ): Promise<PostRow[]> {
    const out: PostRow[] = [];
    let upper = after;
    let prefetched: CachedRange | null | Error | undefined = first;
    while (out.length < want) {
      const need = want - out.length;
      const cached = await this.cachedRange(viewerId, upper, need, graph, prefetched);
      prefetched = undefined;
      if (!cached) return this.fromDatabase(viewerId, after, want, graph);
      const lastCached = cached.entries.length ? cached.entries[cached.entries.length - 1] : null;
      // Past the end of a truncated cache, PostgreSQL holds the older posts.
      const toDatabase = cached.exhausted && cached.truncated;
      if (toDatabase && !lastCached) {
        out.push(...(await this.fromDatabase(viewerId, upper, need, graph)));
        break;
      }
      // The window [lower, upper) is complete in cache; merged authors are read for the same window.
      let lower: Position | null = cached.exhausted && !toDatabase ? null : lastCached;
      const merged = await this.posts.entriesMergedAtRead(
        viewerId,
        this.settings.fanoutThreshold,
        upper,
        lower,
        need,
        graph,
      );
      let shrunk = false;
      if (merged.length === need) {
        // More merged posts may lie beyond: shrink the window to what was read of them.
        const last = merged[merged.length - 1];
        if (!lower || isBefore(lower, last)) {
          lower = last;
          shrunk = true;
        }
      }
      const candidates = dedupe([...cached.entries, ...merged]).filter((e) => !lower || !isBefore(e, lower));
      const rows = await this.posts.load(
        undefined,
        viewerId,
        candidates.map((e) => e.id),
        'timeline',
        graph,
      );
      out.push(...rows.sort((a, b) => comparePositionsDesc(positionOf(a), positionOf(b))));
      if (!lower) break;
      if (toDatabase && !shrunk) {
        if (out.length < want) out.push(...(await this.fromDatabase(viewerId, lower, want - out.length, graph)));
        break;
      }
      upper = lower;
    }
    void this.cache.touch(viewerId).catch(() => undefined);
    return out;
  }
}

function dedupe(entries: TimelineEntry[]): TimelineEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}
