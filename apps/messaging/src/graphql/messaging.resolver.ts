import { Inject, Injectable } from '@nestjs/common';
import {
  connectionOf,
  foundEntity,
  graphqlError,
  pageSize,
  type SubgraphContext,
  type SubgraphResolvers,
  uuidArg,
  validateArgs,
} from '@plaza/graphql';
import { encodeCursor, PageQueryDto } from '@plaza/platform';
import { type PresenceStatus, visiblePresence } from '@plaza/realtime';
import { REDIS, type Redis } from '@plaza/redis';
import { ConversationsService } from '../conversations/conversations.service';
import type { ConversationDto } from '../conversations/dto/conversation.dto';
import { ListMessagesQueryDto } from '../messages/dto/list-messages-query.dto';
import type { MessageDto } from '../delivery/dto/message.dto';
import { SendMessageDto } from '../messages/dto/send-message.dto';
import { MessagesService } from '../messages/messages.service';

/**
 * An edge's cursor in the service's keyset (activity time, id). The service's own `nextCursor`
 * (microsecond-exact) is the page's endCursor; edges carry the millisecond time of the DTO.
 */
const cursorOf = (c: ConversationDto): string =>
  encodeCursor({ t: c.lastActivityAt.replace(/\.(\d{3})Z$/, '.$1000Z'), id: c.id });

/** Thin: every field goes through the services (and rules, pushes) the REST controllers use. */
@Injectable()
export class MessagingResolver {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  resolvers(): SubgraphResolvers {
    return {
      Query: {
        conversations: async (_: unknown, args: { first?: number; after?: string | null }, ctx: SubgraphContext) => {
          const query = Object.assign(new PageQueryDto(), {
            limit: pageSize(args.first, 20),
            cursor: args.after ?? undefined,
          });
          return connectionOf(await this.conversations.list(await ctx.principal(), query), cursorOf);
        },
        conversation: async (_: unknown, args: { id: string }, ctx: SubgraphContext) =>
          this.loadConversation(ctx, uuidArg(args.id, 'id')),
      },
      Mutation: {
        sendMessage: async (
          _: unknown,
          args: { conversationId: string; text: string; clientMsgId: string },
          ctx: SubgraphContext,
        ) => {
          const caller = await ctx.principal();
          const dto = await validateArgs(SendMessageDto, { text: args.text, clientMsgId: args.clientMsgId });
          return (await this.messages.send(caller, uuidArg(args.conversationId, 'conversationId'), dto)).message;
        },
      },
      User: {
        online: async (user: { id: string }, _: unknown, ctx: SubgraphContext) =>
          (await this.presence(ctx, user.id)).online,
        lastSeenAt: async (user: { id: string }, _: unknown, ctx: SubgraphContext) =>
          (await this.presence(ctx, user.id)).lastSeenAt,
      },
      Conversation: {
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
          foundEntity(await this.loadConversation(ctx, uuidArg(ref.id, 'id')), 'Conversation'),
        members: (conversation: ConversationDto) => conversation.members.map((m) => ({ __typename: 'User', id: m.id })),
        messages: async (
          conversation: ConversationDto,
          args: { last?: number; before?: number | null },
          ctx: SubgraphContext,
        ) => {
          if (args.before !== undefined && args.before !== null && args.before < 1) {
            throw graphqlError('BAD_USER_INPUT', 'before must be a seq of at least 1');
          }
          const query = Object.assign(new ListMessagesQueryDto(), {
            limit: pageSize(args.last, 50, 'last'),
            beforeSeq: args.before ?? undefined,
          });
          return (await this.messages.history(await ctx.principal(), conversation.id, query)).items;
        },
      },
      Message: {
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
          const caller = await ctx.principal();
          const message = await ctx
            .loader<string, MessageDto | null>('message', async (ids) => {
              const found = await this.messages.byIds(caller, ids);
              return ids.map((id) => found.get(id) ?? null);
            })
            .load(uuidArg(ref.id, 'id'));
          return foundEntity(message, 'Message');
        },
        sender: (message: MessageDto) => ({ __typename: 'User', id: message.senderId }),
      },
    };
  }

  /** Presence of every user in the operation at once, as `GET /api/presence` shows it to the caller. */
  private async presence(ctx: SubgraphContext, userId: string): Promise<PresenceStatus> {
    const caller = await ctx.principal();
    return ctx
      .loader<string, PresenceStatus>('presence', (ids) => visiblePresence(this.redis, caller.userId, ids))
      .load(userId);
  }

  /** Conversations of the caller by id, all of one request in one batch; null when not a member. */
  private async loadConversation(ctx: SubgraphContext, id: string): Promise<ConversationDto | null> {
    const caller = await ctx.principal();
    return ctx
      .loader<string, ConversationDto | null>('conversation', async (ids) => {
        const found = await this.conversations.getMany(caller, ids);
        return ids.map((conversationId) => found.get(conversationId) ?? null);
      })
      .load(id);
  }
}
