import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OutboxService } from '@plaza/events';
import { ConversationMembers, SafetyGraph } from '@plaza/realtime';
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
import type { DataSource } from 'typeorm';
import { GraphReadModelRepository } from '../graph/graph-read-model.repository';
import { conversationNotFound } from './conversation.errors';
import { MessageDeliveryService } from '../delivery/message-delivery.service';
import { type AddMembersDto } from './dto/add-members.dto';
import type { ConversationDto, ConversationPageDto } from './dto/conversation.dto';
import { type CreateConversationDto, GROUP_MAX_MEMBERS } from './dto/create-conversation.dto';
import { type ConversationView, ConversationsRepository } from './conversations.repository';

const notConnected = (): DomainError => new DomainError('forbidden', 'Only your connections can be added to a group');
const tooManyMembers = (): DomainError =>
  new DomainError('bad_request', `A group has at most ${GROUP_MAX_MEMBERS} members`);

/**
 * Conversations and their membership. Membership lives in PostgreSQL; the Redis set the gateway
 * reads for typing (`ConversationMembers`) is updated after each commit.
 */
@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly graph: GraphReadModelRepository,
    private readonly outbox: OutboxService,
    private readonly members: ConversationMembers,
    private readonly delivery: MessageDeliveryService,
    private readonly safety: SafetyGraph,
  ) {}

  /** One other member: the pair's direct conversation (`created: false` when it existed). More: a new group. */
  async create(
    caller: Principal,
    dto: CreateConversationDto,
  ): Promise<{ conversation: ConversationDto; created: boolean }> {
    const others = [...new Set(dto.memberIds.map((id) => id.toLowerCase()))].filter((id) => id !== caller.userId);
    if (!others.length) throw new DomainError('bad_request', 'memberIds must name at least one user other than you');
    await this.requireUsers(others);
    return others.length === 1
      ? this.createDirect(caller, others[0])
      : this.createGroup(caller, others, dto.title ?? null);
  }

  private async createDirect(
    caller: Principal,
    otherId: string,
  ): Promise<{ conversation: ConversationDto; created: boolean }> {
    // Either side's block hides each from the other: no conversation is opened, nor shown.
    if ((await this.safety.blockedAmong(caller.userId, [otherId])).size) {
      throw new DomainError('forbidden', 'You cannot start a conversation with this user');
    }
    const { id, created } = await this.dataSource.transaction(async (manager) => {
      const result = await this.conversations.createDirect(manager, randomUUID(), caller.userId, otherId);
      if (result.created) {
        await this.outbox.publishMany(manager, [
          { name: 'conversation.member_added', payload: { conversationId: result.id, userId: caller.userId } },
          { name: 'conversation.member_added', payload: { conversationId: result.id, userId: otherId } },
        ]);
      }
      return result;
    });
    // Also on 200: re-asserts the Redis set in case Redis lost it.
    await this.members.set(id, [caller.userId, otherId], 'direct');
    return { conversation: await this.get(caller, id), created };
  }

  private async createGroup(
    caller: Principal,
    others: string[],
    title: string | null,
  ): Promise<{ conversation: ConversationDto; created: boolean }> {
    if (others.length + 1 > GROUP_MAX_MEMBERS) throw tooManyMembers();
    await this.requireConnections(caller, others);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.conversations.createGroup(manager, id, caller.userId, title, others);
      await this.outbox.publishMany(
        manager,
        [caller.userId, ...others].map((userId) => ({
          name: 'conversation.member_added' as const,
          payload: { conversationId: id, userId },
        })),
      );
    });
    await this.members.set(id, [caller.userId, ...others], 'group');
    return { conversation: await this.get(caller, id), created: true };
  }

  /** 403 unless every one of `userIds` is a connection of the caller now (safety graph). */
  private async requireConnections(caller: Principal, userIds: readonly string[]): Promise<void> {
    if ((await this.safety.connectedAmong(caller.userId, userIds)).size !== userIds.length) throw notConnected();
  }

  /**
   * 404, nothing created, unless every id is a user (contract v2). The user directory knows a user
   * the moment their registration answered; messaging's own copy of their name may come later,
   * so it is seeded from the directory (the registration event, when it comes, wins).
   */
  private async requireUsers(userIds: readonly string[]): Promise<void> {
    const users = await this.safety.users(userIds);
    const missing = userIds.filter((id) => !users.get(id));
    if (missing.length) throw new DomainError('not_found', 'User not found');
    await this.graph.seedUsers([...users.values()].filter((u) => u !== null));
  }

  async get(caller: Principal, conversationId: string): Promise<ConversationDto> {
    const view = await this.conversations.viewFor(caller.userId, conversationId);
    if (!view) throw conversationNotFound();
    return (await this.toDtos([view]))[0];
  }

  /** Conversations by id as `get` shows them (the caller a member), in two statements whatever their number. */
  async getMany(caller: Principal, conversationIds: readonly string[]): Promise<Map<string, ConversationDto>> {
    const dtos = await this.toDtos(await this.conversations.viewsFor(caller.userId, conversationIds));
    return new Map(dtos.map((c) => [c.id, c]));
  }

  async list(caller: Principal, query: PageQueryDto): Promise<ConversationPageDto> {
    const after = decodeCursor<{ t: string; id: string }>(query.cursor, { t: CURSOR_TIME, id: CURSOR_UUID });
    const views = await this.conversations.listFor(caller.userId, query.limit + 1, after);
    const page = pageOf(views, query.limit, (last) => encodeCursor({ t: last.activityKey, id: last.id }));
    return { items: await this.toDtos(page.items), nextCursor: page.nextCursor };
  }

  /** Adds connections of the caller to a group the caller is in; current members are left as they are. */
  async addMembers(caller: Principal, conversationId: string, dto: AddMembersDto): Promise<ConversationDto> {
    if (!(await this.conversations.isMember(conversationId, caller.userId))) throw conversationNotFound();
    const candidates = [...new Set(dto.userIds.map((id) => id.toLowerCase()))].filter((id) => id !== caller.userId);
    await this.requireUsers(candidates);
    // Decided before the transaction, from the connections as profiles last answered them.
    const connectedNow = await this.safety.connectedAmong(caller.userId, candidates);
    const added = await this.dataSource.transaction(async (manager) => {
      const conversation = await this.conversations.lockForMember(manager, conversationId, caller.userId);
      if (!conversation) throw conversationNotFound();
      if (conversation.type !== 'group') throw new DomainError('forbidden', 'Members can only be added to a group');
      const current = new Set(conversation.memberIds);
      const newcomers = candidates.filter((id) => !current.has(id));
      if (!newcomers.length) return [];
      if (current.size + newcomers.length > GROUP_MAX_MEMBERS) throw tooManyMembers();
      if (newcomers.some((id) => !connectedNow.has(id))) throw notConnected();
      const inserted = await this.conversations.addMembers(manager, conversationId, newcomers);
      await this.outbox.publishMany(
        manager,
        inserted.map((userId) => ({ name: 'conversation.member_added' as const, payload: { conversationId, userId } })),
      );
      return inserted;
    });
    await Promise.all(added.map((userId: string) => this.members.add(conversationId, userId)));
    return this.get(caller, conversationId);
  }

  /** The caller leaves a group; their history stays, they stop receiving its messages. */
  async leave(caller: Principal, conversationId: string): Promise<void> {
    const remaining = await this.dataSource.transaction(async (manager) => {
      const conversation = await this.conversations.lockForMember(manager, conversationId, caller.userId);
      if (!conversation) throw conversationNotFound();
      if (conversation.type !== 'group') throw new DomainError('forbidden', 'A direct conversation cannot be left');
      await this.conversations.leave(manager, conversationId, caller.userId);
      await this.outbox.publish(manager, 'conversation.member_removed', { conversationId, userId: caller.userId });
      return conversation.memberIds.filter((id) => id !== caller.userId);
    });
    await this.members.remove(conversationId, caller.userId);
    await this.delivery.typingEnded(conversationId, caller.userId, remaining);
  }

  private async toDtos(views: ConversationView[]): Promise<ConversationDto[]> {
    const names = await this.graph.summaries([...new Set(views.flatMap((v) => v.memberIds))]);
    return views.map((v) => ({
      id: v.id,
      type: v.type,
      title: v.type === 'group' ? v.title : null,
      members: v.memberIds.map((id) => names.get(id) ?? { id, handle: null, displayName: null }),
      lastMessage: v.lastMessage,
      unreadCount: v.unreadCount,
      lastReadSeq: v.lastReadSeq,
      createdAt: v.createdAt,
      lastActivityAt: v.lastActivityAt,
    }));
  }
}
