import { Inject, Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { FEED_SETTINGS, type FeedSettings } from '../common/feed.config';
import { GraphRepository } from '../graph/graph.repository';
import { PostsRepository } from '../posts/posts.repository';
import { TimelineCache } from './timeline.cache';

/**
 * Keeps the cached timelines in step with the graph: a new source brings its recent posts in, a
 * lost one (unfollow, disconnect, block) takes them out. Runs after `GraphEventsHandler` on the
 * same event, in the same transaction (handlers of one event run in provider order, see
 * AppModule), so it decides from the read model as that event left it; a late or repeated
 * event therefore changes nothing that the graph does not say. Reads re-check the graph anyway,
 * so these cache edits only need to be eventually right.
 */
@Injectable()
export class TimelineUpkeepHandler {
  constructor(
    private readonly graph: GraphRepository,
    private readonly posts: PostsRepository,
    private readonly cache: TimelineCache,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
  ) {}

  @OnDomainEvent('follow.created')
  async onFollowCreated(event: DomainEvent<'follow.created'>, manager: EntityManager): Promise<void> {
    const { followerId, followeeId } = event.payload;
    if (await this.graph.isSource(manager, followerId, followeeId)) await this.bringIn(manager, followerId, followeeId);
  }

  @OnDomainEvent('follow.removed')
  async onFollowRemoved(event: DomainEvent<'follow.removed'>, manager: EntityManager): Promise<void> {
    const { followerId, followeeId } = event.payload;
    if (!(await this.graph.isSource(manager, followerId, followeeId)))
      await this.takeOut(manager, followerId, followeeId);
  }

  @OnDomainEvent('connection.accepted')
  async onConnectionAccepted(event: DomainEvent<'connection.accepted'>, manager: EntityManager): Promise<void> {
    await this.connected(manager, event.payload.userAId, event.payload.userBId);
  }

  @OnDomainEvent('connection.created')
  async onConnectionCreated(event: DomainEvent<'connection.created'>, manager: EntityManager): Promise<void> {
    await this.connected(manager, event.payload.userAId, event.payload.userBId);
  }

  @OnDomainEvent('connection.removed')
  async onConnectionRemoved(event: DomainEvent<'connection.removed'>, manager: EntityManager): Promise<void> {
    const { userAId: a, userBId: b } = event.payload;
    if (await this.graph.isConnected(manager, a, b)) return;
    // Connections-only posts leave even when a follow remains: re-add what is still visible.
    for (const [viewer, author] of [
      [a, b],
      [b, a],
    ]) {
      await this.takeOut(manager, viewer, author);
      if (await this.graph.isSource(manager, viewer, author)) await this.bringIn(manager, viewer, author);
    }
  }

  @OnDomainEvent('block.created')
  async onBlockCreated(event: DomainEvent<'block.created'>, manager: EntityManager): Promise<void> {
    const { blockerId, blockedId } = event.payload;
    if (!(await this.graph.isBlockedEitherWay(manager, blockerId, blockedId))) return;
    await this.takeOut(manager, blockerId, blockedId);
    await this.takeOut(manager, blockedId, blockerId);
  }

  private async connected(manager: EntityManager, a: string, b: string): Promise<void> {
    if (!(await this.graph.isConnected(manager, a, b))) return;
    await this.bringIn(manager, a, b);
    await this.bringIn(manager, b, a);
  }

  /** The author's newest posts the viewer may now see, into the viewer's cached timeline (if built). */
  private async bringIn(manager: EntityManager, viewerId: string, authorId: string): Promise<void> {
    if (!this.settings.cacheEnabled) return;
    const entries = await this.posts.entriesOfAuthorFor(manager, viewerId, authorId, this.settings.timelineCap);
    await this.cache.add([viewerId], entries);
  }

  private async takeOut(manager: EntityManager, viewerId: string, authorId: string): Promise<void> {
    if (!this.settings.cacheEnabled) return;
    const entries = await this.posts.entriesOfAuthorFor(manager, authorId, authorId, this.settings.timelineCap);
    await this.cache.remove(
      [viewerId],
      entries.map((e) => e.id),
    );
  }
}
