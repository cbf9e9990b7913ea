import { Injectable } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import { InjectDataSource } from '@nestjs/typeorm';
import { OutboxService } from '@plaza/events';
import { DataSource } from 'typeorm';
import { ProfilesService } from '../profiles/profiles.service';
import { BlocksRepository } from './blocks.repository';
import { ConnectionRequestsRepository } from './connection-requests.repository';
import { GraphEdgesService } from './graph-edges.service';
import { SafetyGraphSync } from './safety-graph.sync';

@Injectable()
export class BlocksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly blocks: BlocksRepository,
    private readonly requests: ConnectionRequestsRepository,
    private readonly profiles: ProfilesService,
    private readonly edges: GraphEdgesService,
    private readonly outbox: OutboxService,
    private readonly safety: SafetyGraphSync,
  ) {}

  /**
   * Idempotent. A new block removes the connection, the follows both ways and pending requests
   * either way, each with its own event so that read models elsewhere drop the edges too.
   */
  async block(caller: Principal, userId: string): Promise<void> {
    if (userId === caller.userId) throw new DomainError('bad_request', 'You cannot block yourself');
    await this.profiles.ensureProfile(caller);
    await this.profiles.ensureRegistered(userId);
    await this.dataSource.transaction(async (manager) => {
      await this.edges.lockPair(manager, caller.userId, userId);
      if (!(await this.blocks.insert(manager, caller.userId, userId))) return;
      // First in the stream: consumers know of the block before they see its consequences.
      await this.outbox.publish(manager, 'block.created', { blockerId: caller.userId, blockedId: userId });
      await this.edges.disconnect(manager, caller.userId, userId);
      await this.edges.unfollow(manager, caller.userId, userId);
      await this.edges.unfollow(manager, userId, caller.userId);
      await this.requests.cancelPendingBetween(manager, caller.userId, userId);
    });
    // Before the answer: from here on every app and instance reads the block (consistency rule).
    await this.safety.syncPair(caller.userId, userId);
  }

  /** Idempotent; restores nothing that the block removed. */
  async unblock(caller: Principal, userId: string): Promise<void> {
    if (userId === caller.userId) throw new DomainError('bad_request', 'You cannot block yourself');
    await this.profiles.ensureProfile(caller);
    await this.dataSource.transaction(async (manager) => {
      await this.edges.lockPair(manager, caller.userId, userId);
      if (await this.blocks.delete(manager, caller.userId, userId)) {
        await this.outbox.publish(manager, 'block.removed', { blockerId: caller.userId, blockedId: userId });
      }
    });
    await this.safety.syncPair(caller.userId, userId);
  }
}
