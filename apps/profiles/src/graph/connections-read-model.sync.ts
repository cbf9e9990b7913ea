import { Inject, Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import { ConnectionsReadModel } from '@plaza/realtime';
import { REDIS, type Redis } from '@plaza/redis';
import type { EntityManager } from 'typeorm';
import { ConnectionsRepository } from './connections.repository';

/**
 * Keeps the Redis set of each user's connections that the gateway reads for presence. Each
 * graph event re-reads the pair's current state instead of applying the event's delta, so a
 * redelivered or out-of-order event can never leave the set wrong.
 */
@Injectable()
export class ConnectionsReadModelSync {
  private readonly model: ConnectionsReadModel;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly connections: ConnectionsRepository,
  ) {
    this.model = new ConnectionsReadModel(redis);
  }

  @OnDomainEvent('connection.created')
  async onCreated(event: DomainEvent<'connection.created'>, manager: EntityManager): Promise<void> {
    await this.sync(manager, event.payload.userAId, event.payload.userBId);
  }

  @OnDomainEvent('connection.removed')
  async onRemoved(event: DomainEvent<'connection.removed'>, manager: EntityManager): Promise<void> {
    await this.sync(manager, event.payload.userAId, event.payload.userBId);
  }

  @OnDomainEvent('block.created')
  async onBlocked(event: DomainEvent<'block.created'>, manager: EntityManager): Promise<void> {
    await this.sync(manager, event.payload.blockerId, event.payload.blockedId);
  }

  private async sync(manager: EntityManager, a: string, b: string): Promise<void> {
    if (await this.connections.areConnected(manager, a, b)) await this.model.connect(a, b);
    else await this.model.disconnect(a, b);
  }
}
