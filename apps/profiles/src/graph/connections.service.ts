import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OutboxService } from '@plaza/events';
import {
  CURSOR_TIME,
  CURSOR_UUID,
  decodeCursor,
  DomainError,
  encodeCursor,
  pageOf,
  PageQueryDto,
} from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ProfilePageDto } from '../profiles/dto/profile.dto';
import { ProfilesRepository } from '../profiles/profiles.repository';
import { ProfilesService } from '../profiles/profiles.service';
import { BlocksRepository } from './blocks.repository';
import { type ConnectionRequestRecord, ConnectionRequestsRepository } from './connection-requests.repository';
import { ConnectionsRepository } from './connections.repository';
import type {
  ConnectionRequestDto,
  ConnectionRequestPageDto,
  ListConnectionRequestsQueryDto,
} from './dto/connection-request.dto';
import { GraphEdgesService } from './graph-edges.service';
import { SafetyGraphSync } from './safety-graph.sync';

export interface RequestOutcome {
  /** False when the call accepted the other side's pending request instead (200, not 201). */
  created: boolean;
  request: ConnectionRequestDto;
}

function toDto(r: ConnectionRequestRecord): ConnectionRequestDto {
  return {
    id: r.id,
    fromUserId: r.fromUserId,
    toUserId: r.toUserId,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
  };
}

@Injectable()
export class ConnectionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly requests: ConnectionRequestsRepository,
    private readonly connections: ConnectionsRepository,
    private readonly blocks: BlocksRepository,
    private readonly profiles: ProfilesRepository,
    private readonly profilesService: ProfilesService,
    private readonly edges: GraphEdgesService,
    private readonly outbox: OutboxService,
    private readonly safety: SafetyGraphSync,
  ) {}

  /**
   * 201 with a new pending request; 200 with *their* request, accepted, when the other user had
   * already asked the caller. 409 when connected or already pending from the caller.
   */
  async request(caller: Principal, toUserId: string): Promise<RequestOutcome> {
    const me = caller.userId;
    if (toUserId === me) throw new DomainError('bad_request', 'You cannot connect with yourself');
    await this.profilesService.ensureProfile(caller);
    await this.profilesService.ensureRegistered(toUserId);
    const outcome = await this.dataSource.transaction(async (manager): Promise<RequestOutcome> => {
      await this.edges.lockPair(manager, me, toUserId);
      if (await this.blocks.isBlocked(manager, toUserId, me)) throw new DomainError('not_found', 'User not found');
      if (await this.blocks.isBlocked(manager, me, toUserId))
        throw new DomainError('conflict', 'You have blocked this user; unblock them first');
      if (await this.connections.areConnected(manager, me, toUserId))
        throw new DomainError('conflict', 'You are already connected');
      const pending = await this.requests.findPendingBetween(manager, me, toUserId);
      if (pending?.fromUserId === me) throw new DomainError('conflict', 'A connection request is already pending');
      if (pending) {
        const accepted = await this.requests.resolve(manager, pending.id, 'accepted');
        await this.edges.connect(manager, pending.fromUserId, me, pending.id);
        return { created: false, request: toDto(accepted!) };
      }
      const created = await this.requests.insertPending(manager, randomUUID(), me, toUserId);
      await this.outbox.publish(manager, 'connection.requested', { requestId: created.id, fromUserId: me, toUserId });
      return { created: true, request: toDto(created) };
    });
    if (!outcome.created) await this.safety.syncPair(me, toUserId);
    return outcome;
  }

  async accept(caller: Principal, requestId: string): Promise<ConnectionRequestDto> {
    return this.answer(caller, requestId, 'accepted');
  }

  async decline(caller: Principal, requestId: string): Promise<ConnectionRequestDto> {
    return this.answer(caller, requestId, 'declined');
  }

  /** Only the sender may withdraw; a request that is not theirs or not pending is 404. */
  async withdraw(caller: Principal, requestId: string): Promise<void> {
    const request = await this.requests.findById(undefined, requestId);
    if (!request || request.fromUserId !== caller.userId || request.status !== 'pending')
      throw new DomainError('not_found', 'Connection request not found');
    await this.dataSource.transaction(async (manager) => {
      await this.profiles.lockPair(manager, request.fromUserId, request.toUserId);
      if (!(await this.requests.resolve(manager, requestId, 'withdrawn')))
        throw new DomainError('not_found', 'Connection request not found');
    });
  }

  /** Removes the connection and the follows it implied; 404 when not connected. */
  async remove(caller: Principal, userId: string): Promise<void> {
    if (userId === caller.userId) throw new DomainError('bad_request', 'You cannot be connected to yourself');
    await this.dataSource.transaction(async (manager) => {
      await this.edges.lockPair(manager, caller.userId, userId);
      if (!(await this.edges.disconnect(manager, caller.userId, userId)))
        throw new DomainError('not_found', 'Connection not found');
    });
    await this.safety.syncPair(caller.userId, userId);
  }

  async listRequests(caller: Principal, query: ListConnectionRequestsQueryDto): Promise<ConnectionRequestPageDto> {
    const after = decodeCursor<{ c: string; i: string }>(query.cursor, { c: CURSOR_TIME, i: CURSOR_UUID });
    const rows = await this.requests.listPending(
      caller.userId,
      query.direction,
      after && { createdAt: after.c, id: after.i },
      query.limit + 1,
    );
    const page = pageOf(rows, query.limit, (last) => encodeCursor({ c: last.createdAtExact, i: last.id }));
    const otherOf = (r: ConnectionRequestRecord) => (query.direction === 'incoming' ? r.fromUserId : r.toUserId);
    const others = new Map((await this.profiles.findManyByIds(page.items.map(otherOf))).map((p) => [p.userId, p]));
    return {
      items: page.items.map((r) => {
        const other = others.get(otherOf(r));
        return {
          ...toDto(r),
          ...(other && {
            user: { id: other.userId, handle: other.handle, displayName: other.displayName, headline: other.headline },
          }),
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  async listConnections(caller: Principal, query: PageQueryDto): Promise<ProfilePageDto> {
    const after = decodeCursor<{ c: string; u: string }>(query.cursor, { c: CURSOR_TIME, u: CURSOR_UUID });
    const rows = await this.connections.list(
      caller.userId,
      after && { createdAt: after.c, peerId: after.u },
      query.limit + 1,
    );
    const page = pageOf(rows, query.limit, (last) => encodeCursor({ c: last.createdAt, u: last.peerId }));
    return {
      items: await this.profilesService.presentIds(
        caller.userId,
        page.items.map((r) => r.peerId),
      ),
      nextCursor: page.nextCursor,
    };
  }

  /** Only the recipient may answer (others: 404, the request's existence is not theirs to know). */
  private async answer(
    caller: Principal,
    requestId: string,
    status: 'accepted' | 'declined',
  ): Promise<ConnectionRequestDto> {
    const request = await this.requests.findById(undefined, requestId);
    if (!request || request.toUserId !== caller.userId)
      throw new DomainError('not_found', 'Connection request not found');
    const dto = await this.dataSource.transaction(async (manager) => {
      await this.profiles.lockPair(manager, request.fromUserId, request.toUserId);
      const answered = await this.requests.resolve(manager, requestId, status);
      if (!answered)
        throw new DomainError(
          'conflict',
          `The connection request is already ${(await this.requests.findById(manager, requestId))?.status ?? 'gone'}`,
        );
      if (status === 'accepted') await this.edges.connect(manager, request.fromUserId, request.toUserId, request.id);
      return toDto(answered);
    });
    if (status === 'accepted') await this.safety.syncPair(request.fromUserId, request.toUserId);
    return dto;
  }
}
