import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { GraphRepository } from './graph.repository';

/** Keeps the push app's read model of display names from the auth and profiles events. */
@Injectable()
export class GraphEventsHandler {
  constructor(private readonly graph: GraphRepository) {}

  @OnDomainEvent('user.registered')
  async onUserRegistered(event: DomainEvent<'user.registered'>, manager: EntityManager): Promise<void> {
    await this.graph.upsertUser(manager, event.payload.userId, event.payload.displayName, event.occurredAt);
  }

  @OnDomainEvent('profile.updated')
  async onProfileUpdated(event: DomainEvent<'profile.updated'>, manager: EntityManager): Promise<void> {
    await this.graph.upsertUser(manager, event.payload.userId, event.payload.displayName, event.occurredAt);
  }
}
