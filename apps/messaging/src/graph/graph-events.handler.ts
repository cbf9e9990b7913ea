import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { GraphReadModelRepository } from './graph-read-model.repository';

/**
 * Keeps messaging's read model of users and blocks from the auth and profiles
 * events. Handlers run in the transaction that records the event as processed (exactly-once
 * effects) and are idempotent besides, ordered by the event's time.
 */
@Injectable()
export class GraphEventsHandler {
  constructor(private readonly graph: GraphReadModelRepository) {}

  @OnDomainEvent('user.registered')
  async onUserRegistered(event: DomainEvent<'user.registered'>, manager: EntityManager): Promise<void> {
    const { userId, handle, displayName } = event.payload;
    await this.graph.upsertUser(manager, userId, handle, displayName, event.occurredAt);
  }

  @OnDomainEvent('profile.updated')
  async onProfileUpdated(event: DomainEvent<'profile.updated'>, manager: EntityManager): Promise<void> {
    const { userId, handle, displayName } = event.payload;
    await this.graph.upsertUser(manager, userId, handle, displayName, event.occurredAt);
  }

  // Profiles publishes both for one accepted request; either one is enough and both are harmless.
  @OnDomainEvent('block.created')
  async onBlockCreated(event: DomainEvent<'block.created'>, manager: EntityManager): Promise<void> {
    await this.graph.setBlocked(manager, event.payload.blockerId, event.payload.blockedId, true, event.occurredAt);
  }

  @OnDomainEvent('block.removed')
  async onBlockRemoved(event: DomainEvent<'block.removed'>, manager: EntityManager): Promise<void> {
    await this.graph.setBlocked(manager, event.payload.blockerId, event.payload.blockedId, false, event.occurredAt);
  }
}
