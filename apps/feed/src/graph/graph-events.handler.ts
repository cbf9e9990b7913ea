import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { GraphRepository } from './graph.repository';
import { UsersRepository } from './users.repository';

/**
 * Keeps the feed's read model of users and the graph from the auth and profiles events. It must
 * be exact: its upserts are ordered by event time, so a redelivered or late event changes
 * nothing. The cached timelines follow it in `timeline/TimelineUpkeepHandler`, which runs after
 * this handler on the same events.
 */
@Injectable()
export class GraphEventsHandler {
  constructor(
    private readonly graph: GraphRepository,
    private readonly users: UsersRepository,
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
  }

  @OnDomainEvent('follow.removed')
  async onFollowRemoved(event: DomainEvent<'follow.removed'>, manager: EntityManager): Promise<void> {
    const { followerId, followeeId } = event.payload;
    if (!(await this.graph.setEdge(manager, 'follows', followerId, followeeId, false, event.occurredAt))) return;
    await this.graph.refreshFollowerCount(manager, followeeId);
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
  }

  @OnDomainEvent('block.created')
  async onBlockCreated(event: DomainEvent<'block.created'>, manager: EntityManager): Promise<void> {
    const { blockerId, blockedId } = event.payload;
    await this.graph.setEdge(manager, 'blocks', blockerId, blockedId, true, event.occurredAt);
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
  }
}
