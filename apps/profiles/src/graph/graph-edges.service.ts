import { Injectable } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import { OutboxService } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { ProfilesRepository } from '../profiles/profiles.repository';
import { ConnectionsRepository } from './connections.repository';
import { FollowsRepository } from './follows.repository';

/**
 * The graph's write primitives, for use inside one transaction that holds the pair lock
 * (`lockPair`). Each keeps the counters of both profiles and publishes its events in that
 * transaction, so counts, edges and events never disagree.
 */
@Injectable()
export class GraphEdgesService {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly connections: ConnectionsRepository,
    private readonly follows: FollowsRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** Locks both profiles (user-id order); 404 when the other user has no profile. */
  async lockPair(manager: EntityManager, callerId: string, otherId: string): Promise<void> {
    const found = await this.profiles.lockPair(manager, callerId, otherId);
    if (!found.has(otherId)) throw new DomainError('not_found', 'User not found');
  }

  /** Connects a pair and makes them follow each other; `requesterId` sent the request that was accepted. */
  async connect(manager: EntityManager, requesterId: string, accepterId: string, requestId: string): Promise<void> {
    if (!(await this.connections.insertPair(manager, requesterId, accepterId))) return;
    await this.profiles.adjustCounters(manager, requesterId, { connections: 1 });
    await this.profiles.adjustCounters(manager, accepterId, { connections: 1 });
    await this.outbox.publishMany(manager, [
      { name: 'connection.accepted', payload: { userAId: requesterId, userBId: accepterId, requestId } },
      { name: 'connection.created', payload: { userAId: requesterId, userBId: accepterId, requestId } },
    ]);
    await this.follow(manager, requesterId, accepterId, true);
    await this.follow(manager, accepterId, requesterId, true);
  }

  /** Removes a connection and the follows it implied, both ways; false when they were not connected. */
  async disconnect(manager: EntityManager, a: string, b: string): Promise<boolean> {
    if (!(await this.connections.deletePair(manager, a, b))) return false;
    await this.profiles.adjustCounters(manager, a, { connections: -1 });
    await this.profiles.adjustCounters(manager, b, { connections: -1 });
    await this.outbox.publish(manager, 'connection.removed', { userAId: a, userBId: b });
    await this.unfollow(manager, a, b);
    await this.unfollow(manager, b, a);
    return true;
  }

  /** Idempotent; true when the edge is new. */
  async follow(
    manager: EntityManager,
    followerId: string,
    followeeId: string,
    viaConnection = false,
  ): Promise<boolean> {
    if (!(await this.follows.insert(manager, followerId, followeeId))) return false;
    await this.profiles.adjustCounters(manager, followerId, { following: 1 });
    await this.profiles.adjustCounters(manager, followeeId, { followers: 1 });
    await this.outbox.publish(manager, 'follow.created', {
      followerId,
      followeeId,
      ...(viaConnection ? { viaConnection } : {}),
    });
    return true;
  }

  /** Idempotent; true when an edge was removed. */
  async unfollow(manager: EntityManager, followerId: string, followeeId: string): Promise<boolean> {
    if (!(await this.follows.delete(manager, followerId, followeeId))) return false;
    await this.profiles.adjustCounters(manager, followerId, { following: -1 });
    await this.profiles.adjustCounters(manager, followeeId, { followers: -1 });
    await this.outbox.publish(manager, 'follow.removed', { followerId, followeeId });
    return true;
  }
}
