import { Inject, Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { FEED_SETTINGS, type FeedSettings } from '../common/feed.config';
import { PostsRepository } from '../posts/posts.repository';
import { TimelineCache } from '../timeline/timeline.cache';
import { GraphRepository } from './graph.repository';
import { UsersRepository } from './users.repository';

/**
 * Keeps the feed's read model of users and the graph from the auth and profiles events, and the
 * cached timelines in step with it: a new source brings its recent posts in, a lost one (unfollow,
 * disconnect, block) takes them out. Reads re-check the graph anyway, so the cache edits only
 * need to be eventually right; the read model is what must be exact, and its upserts are
 * ordered by event time, so a redelivered or late event changes nothing.
 */
@Injectable()
export class GraphEventsHandler {
  constructor(
    private readonly graph: GraphRepository,
    private readonly users: UsersRepository,
    private readonly posts: PostsRepository,
    private readonly cache: TimelineCache,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
  ) {}

  @OnDomainEvent('user.registered')
  async onUserRegistered(event: DomainEvent<'user.registered'>, manager: EntityManager): Promise<void> {
    const { userId, handle, displayName } = event.payload;
    await this.users.upsertCard(manager, userId, handle, displayName, event.occurredAt);
  }

  @OnDomainEvent('profile.updated')
  async onProfileUpdated(event: DomainEvent<'profile.updated'>, manager: EntityManager): Promise<void> {
    const { userId, handle, displayName } = event.payload;
    await this.users.upsertCard(manager, userId, handle, displayName, event.occurredAt);
  }

  @OnDomainEvent('follow.created')
  async onFollowCreated(event: DomainEvent<'follow.created'>, manager: EntityManager): Promise<void> {
    const { followerId, followeeId } = event.payload;
    if (!(await this.graph.setEdge(manager, 'follows', followerId, followeeId, true, event.occurredAt))) return;
    await this.graph.refreshFollowerCount(manager, followeeId);
    await this.bringIn(manager, followerId, followeeId);
  }

  @OnDomainEvent('follow.removed')
  async onFollowRemoved(event: DomainEvent<'follow.removed'>, manager: EntityManager): Promise<void> {
    const { followerId, followeeId } = event.payload;
    if (!(await this.graph.setEdge(manager, 'follows', followerId, followeeId, false, event.occurredAt))) return;
    await this.graph.refreshFollowerCount(manager, followeeId);
    if (!(await this.graph.isSource(manager, followerId, followeeId)))
      await this.takeOut(manager, followerId, followeeId);
  }

  @OnDomainEvent('connection.accepted')
  async onConnectionAccepted(event: DomainEvent<'connection.accepted'>, manager: EntityManager): Promise<void> {
    await this.connect(manager, event.payload.userAId, event.payload.userBId, event.occurredAt);
  }

  /** Sent with (or instead of) connection.accepted; whichever comes second finds the edge in place. */
  @OnDomainEvent('connection.created')
  async onConnectionCreated(event: DomainEvent<'connection.created'>, manager: EntityManager): Promise<void> {
    await this.connect(manager, event.payload.userAId, event.payload.userBId, event.occurredAt);
  }

  @OnDomainEvent('connection.removed')
  async onConnectionRemoved(event: DomainEvent<'connection.removed'>, manager: EntityManager): Promise<void> {
    const { userAId: a, userBId: b } = event.payload;
    const changed = await this.graph.setEdge(manager, 'connections', a, b, false, event.occurredAt);
    await this.graph.setEdge(manager, 'connections', b, a, false, event.occurredAt);
    if (!changed) return;
    await this.graph.refreshFollowerCount(manager, a);
    await this.graph.refreshFollowerCount(manager, b);
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
    if (!(await this.graph.setEdge(manager, 'blocks', blockerId, blockedId, true, event.occurredAt))) return;
    await this.takeOut(manager, blockerId, blockedId);
    await this.takeOut(manager, blockedId, blockerId);
  }

  /** Restores nothing: the block removed the follows, and profiles says so with their own events. */
  @OnDomainEvent('block.removed')
  async onBlockRemoved(event: DomainEvent<'block.removed'>, manager: EntityManager): Promise<void> {
    const { blockerId, blockedId } = event.payload;
    await this.graph.setEdge(manager, 'blocks', blockerId, blockedId, false, event.occurredAt);
  }

  private async connect(manager: EntityManager, a: string, b: string, at: string): Promise<void> {
    const changed = await this.graph.setEdge(manager, 'connections', a, b, true, at);
    await this.graph.setEdge(manager, 'connections', b, a, true, at);
    if (!changed) return;
    await this.graph.refreshFollowerCount(manager, a);
    await this.graph.refreshFollowerCount(manager, b);
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
