import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { transactionWithRetry } from '@plaza/database';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import { SafetyGraph } from '@plaza/realtime';
import { ModelRebuilder, REDIS, type Redis } from '@plaza/redis';
import { DataSource } from 'typeorm';
import { ProfilesRepository } from '../profiles/profiles.repository';
import { SafetyGraphRepository } from './safety-graph.repository';

/**
 * Profiles owns the graph, so it writes the safety graph (`@plaza/realtime` SafetyGraph): after
 * every committed graph change and before the call answers, `syncPair` re-reads the pair under
 * the same row locks every graph write takes and writes the result, so the last writer of a pair
 * always leaves its latest committed state, whatever the interleaving. The graph events re-run it
 * (a repair, should a write to Redis have failed after a commit).
 *
 * Redis restarted empty: the ready marker is gone, readers refuse (503) rather than read "no
 * block". Within a second one profiles instance rebuilds the whole model from PostgreSQL, with
 * the edge tables SHARE-locked so that no graph write commits between the read and the write of
 * the rebuild, then sets the marker.
 */
@Injectable()
export class SafetyGraphSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly rebuilder: ModelRebuilder;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) redis: Redis,
    private readonly graph: SafetyGraph,
    private readonly profiles: ProfilesRepository,
    private readonly edges: SafetyGraphRepository,
  ) {
    this.rebuilder = new ModelRebuilder(redis, {
      name: 'safety graph',
      lockKey: 'sg:rebuild-lock',
      isReady: () => this.graph.isReady(),
      // The edge tables SHARE-locked: no graph write commits between the read and the write.
      rebuild: () =>
        this.dataSource.transaction(async (manager) => {
          await this.graph.load(await this.edges.allEdgesLocked(manager));
          await this.graph.markReady();
        }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rebuilder.start();
  }

  onApplicationShutdown(): void {
    this.rebuilder.stop();
  }

  /**
   * After a commit that changed the pair's relations, before answering; and from the graph events
   * as a repair. Always its own short transaction: the pair's rows locked in id order like every
   * graph write, never inside a consumer's batch transaction, which would hold locks of several
   * pairs in event order and deadlock with concurrent graph writes.
   */
  async syncPair(a: string, b: string): Promise<void> {
    // Only reads and an idempotent Redis write: safe to run again when chosen as a deadlock victim.
    await transactionWithRetry(this.dataSource, async (manager) => {
      await this.profiles.lockPair(manager, a, b);
      await this.graph.writePair(a, b, await this.edges.pairState(manager, a, b));
    });
  }

  @OnDomainEvent('block.created')
  async onBlockCreated(e: DomainEvent<'block.created'>): Promise<void> {
    await this.syncPair(e.payload.blockerId, e.payload.blockedId);
  }

  @OnDomainEvent('block.removed')
  async onBlockRemoved(e: DomainEvent<'block.removed'>): Promise<void> {
    await this.syncPair(e.payload.blockerId, e.payload.blockedId);
  }

  @OnDomainEvent('connection.created')
  async onConnectionCreated(e: DomainEvent<'connection.created'>): Promise<void> {
    await this.syncPair(e.payload.userAId, e.payload.userBId);
  }

  @OnDomainEvent('connection.removed')
  async onConnectionRemoved(e: DomainEvent<'connection.removed'>): Promise<void> {
    await this.syncPair(e.payload.userAId, e.payload.userBId);
  }

  @OnDomainEvent('follow.created')
  async onFollowCreated(e: DomainEvent<'follow.created'>): Promise<void> {
    await this.syncPair(e.payload.followerId, e.payload.followeeId);
  }

  @OnDomainEvent('follow.removed')
  async onFollowRemoved(e: DomainEvent<'follow.removed'>): Promise<void> {
    await this.syncPair(e.payload.followerId, e.payload.followeeId);
  }
}
