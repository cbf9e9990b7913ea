import { Injectable } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProfilesService } from '../profiles/profiles.service';
import { BlocksRepository } from './blocks.repository';
import { ConnectionsRepository } from './connections.repository';
import { GraphEdgesService } from './graph-edges.service';
import { SafetyGraphSync } from './safety-graph.sync';

@Injectable()
export class FollowsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly blocks: BlocksRepository,
    private readonly connections: ConnectionsRepository,
    private readonly profiles: ProfilesService,
    private readonly edges: GraphEdgesService,
    private readonly safety: SafetyGraphSync,
  ) {}

  /** Idempotent. Someone who blocked the caller is answered like an unknown user (404). */
  async follow(caller: Principal, userId: string): Promise<void> {
    if (userId === caller.userId) throw new DomainError('bad_request', 'You cannot follow yourself');
    await this.profiles.ensureProfile(caller);
    await this.profiles.ensureRegistered(userId);
    await this.dataSource.transaction(async (manager) => {
      await this.edges.lockPair(manager, caller.userId, userId);
      if (await this.blocks.isBlocked(manager, userId, caller.userId))
        throw new DomainError('not_found', 'User not found');
      if (await this.blocks.isBlocked(manager, caller.userId, userId))
        throw new DomainError('conflict', 'You have blocked this user; unblock them first');
      await this.edges.follow(manager, caller.userId, userId);
    });
    await this.safety.syncPair(caller.userId, userId);
  }

  /** Idempotent. A connection implies following each other: remove the connection instead (409). */
  async unfollow(caller: Principal, userId: string): Promise<void> {
    if (userId === caller.userId) throw new DomainError('bad_request', 'You cannot follow yourself');
    await this.profiles.ensureProfile(caller);
    await this.dataSource.transaction(async (manager) => {
      await this.edges.lockPair(manager, caller.userId, userId);
      if (await this.blocks.isBlocked(manager, userId, caller.userId))
        throw new DomainError('not_found', 'User not found');
      if (await this.connections.areConnected(manager, caller.userId, userId)) {
        throw new DomainError('conflict', 'Connections follow each other; remove the connection to stop following');
      }
      await this.edges.unfollow(manager, caller.userId, userId);
    });
    await this.safety.syncPair(caller.userId, userId);
  }
}
