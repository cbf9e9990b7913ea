import { Inject, Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import { RealtimePublisher, SafetyGraph } from '@plaza/realtime';
import type { EntityManager } from 'typeorm';
import { FEED_SETTINGS, type FeedSettings } from '../common/feed.config';
import { GraphRepository } from '../graph/graph.repository';
import { NO_RELATIONS } from '../graph/visibility.sql';
import { postView } from '../posts/post.view';
import { PostsRepository } from '../posts/posts.repository';
import { TimelineCache } from './timeline.cache';

/**
 * Fan-out on write, in the consumer of the feed's own events (never in the request): a new post
 * goes into the cached timelines of the audience allowed to see it (unless its author is over
 * the threshold, whose posts are merged at read) and live to their sockets and the author's.
 */
@Injectable()
export class FanOutHandler {
  constructor(
    private readonly posts: PostsRepository,
    private readonly graph: GraphRepository,
    private readonly cache: TimelineCache,
    private readonly realtime: RealtimePublisher,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    private readonly safety: SafetyGraph,
  ) {}

  @OnDomainEvent('post.created')
  async onPostCreated(event: DomainEvent<'post.created'>, manager: EntityManager): Promise<void> {
    const { postId, authorId } = event.payload;
    const [row] = await this.posts.load(manager, authorId, [postId], 'visible', NO_RELATIONS);
    // Deleted before it was fanned out: nothing to deliver.
    if (!row) return;
    // The event-fed audience may lag a block or an unfollow that has answered: the safety graph has the last word.
    const audience = await this.safety.audienceNow(
      authorId,
      await this.graph.audienceFor(manager, authorId, row.visibility),
      row.visibility,
    );
    const entry = { id: row.id, t: row.created_at.getTime() };
    const heavy =
      this.settings.cacheEnabled && (await this.graph.followerCount(manager, authorId)) > this.settings.fanoutThreshold;
    // Independent Redis work: the timelines and the live push go out side by side.
    await Promise.all([
      this.settings.cacheEnabled ? this.cache.add(heavy ? [authorId] : [authorId, ...audience], [entry]) : undefined,
      this.realtime.pushDurable([authorId, ...audience], 'feed:post', { ...postView(row), viewerReaction: null }),
    ]);
  }

  @OnDomainEvent('post.deleted')
  async onPostDeleted(event: DomainEvent<'post.deleted'>, manager: EntityManager): Promise<void> {
    const { postId, authorId } = event.payload;
    const header = await this.posts.header(manager, postId);
    // Told to the same audience that was allowed to see it, never to anyone else.
    const audience = [
      authorId,
      ...(await this.graph.audienceFor(manager, authorId, header?.visibility ?? 'connections')),
    ];
    if (this.settings.cacheEnabled) await this.cache.remove(audience, [postId]);
    await this.realtime.pushDurable(audience, 'feed:post-deleted', { postId });
  }
}
