import { Injectable } from '@nestjs/common';
import { decodeCursor, DomainError, encodeCursor, pageOf } from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import { randomUUID } from 'node:crypto';
import { conversationNotFound } from '../conversations/conversation.errors';
import { ConversationSafety } from '../conversations/conversation-safety.service';
import { ConversationsRepository } from '../conversations/conversations.repository';
import type { ListMessagesQueryDto } from './dto/list-messages-query.dto';
import type { MarkReadDto } from './dto/mark-read.dto';
import type { MessageDto } from '../delivery/dto/message.dto';
import type { MessagePageDto } from './dto/message-page.dto';
import type { SendMessageDto } from './dto/send-message.dto';
import { MessageBatcher } from './message-batcher.service';
import { MessageDeliveryService } from '../delivery/message-delivery.service';
import { type MessageRange, MessagesRepository } from './messages.repository';

interface MessageCursor extends Record<string, string | number> {
  d: string;
  a: number;
  b: number;
}

/**
 * Sending, history and read positions. REST and the socket commands run this same code:
 * `message:send` arrives over the gateway's command channel (MessageCommandsController),
 * `message:read` as a REST call with the socket's token.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly delivery: MessageDeliveryService,
    private readonly batcher: MessageBatcher,
    private readonly safety: ConversationSafety,
  ) {}

  /**
   * Stores then pushes; `created: false` when the caller already sent this clientMsgId here
   * (nothing new stored or pushed). Concurrent sends share one commit (MessageBatcher).
   */
  async send(
    caller: Principal,
    conversationId: string,
    dto: SendMessageDto,
  ): Promise<{ message: MessageDto; created: boolean }> {
    // The block as profiles answered it (safety graph), not as messaging's event-fed copy has it yet.
    try {
      await this.safety.assertNotBlockedInDirect(caller.userId, conversationId);
    } catch (err) {
      // A retry of a message stored before the block still gets that message (200), nothing new.
      const stored =
        err instanceof DomainError &&
        err.code === 'forbidden' &&
        (await this.messages.findByClientMsgId(conversationId, caller.userId, dto.clientMsgId));
      if (stored) return { message: stored, created: false };
      throw err;
    }
    const stored = await this.batcher.submit({
      id: randomUUID(),
      conversationId,
      senderId: caller.userId,
      text: dto.text,
      clientMsgId: dto.clientMsgId,
    });
    if (stored) return { message: stored.message, created: true };
    return this.explainRefusal(caller, conversationId, dto.clientMsgId);
  }

  /**
   * Why nothing was stored: not a member (404), a retry of a stored message (200; also a
   * clientMsgId repeated within one batch, answered after the batch committed), else a block (403).
   */
  private async explainRefusal(
    caller: Principal,
    conversationId: string,
    clientMsgId: string,
  ): Promise<{ message: MessageDto; created: boolean }> {
    if (!(await this.conversations.isMember(conversationId, caller.userId))) throw conversationNotFound();
    const stored = await this.messages.findByClientMsgId(conversationId, caller.userId, clientMsgId);
    if (stored) return { message: stored, created: false };
    throw new DomainError('forbidden', 'You cannot send messages to this user');
  }

  /**
   * afterSeq: the oldest messages after it (catch-up); beforeSeq: the newest before it (scrolling
   * back); both: the oldest inside the range; neither: the newest. Items are always in seq order.
   */
  async history(caller: Principal, conversationId: string, query: ListMessagesQueryDto): Promise<MessagePageDto> {
    if (!(await this.conversations.isMember(conversationId, caller.userId))) throw conversationNotFound();
    const range = this.rangeOf(query);
    const rows = await this.messages.range(conversationId, range, query.limit + 1);
    // Rows come in reading order, so the last one kept is where the next page starts either way.
    const page = pageOf(rows, query.limit, (last) => {
      const next: MessageCursor =
        range.direction === 'forward'
          ? { d: 'f', a: last.seq, b: range.before }
          : { d: 'b', a: range.after, b: last.seq };
      return encodeCursor(next);
    });
    if (range.direction === 'backward') page.items.reverse();
    return page;
  }

  /** Messages by id, readable as `history` reads them (the caller a current member), in one statement. */
  async byIds(caller: Principal, messageIds: readonly string[]): Promise<Map<string, MessageDto>> {
    const items = await this.messages.byIdsForMember(caller.userId, messageIds);
    return new Map(items.map((m) => [m.id, m]));
  }

  private rangeOf(query: ListMessagesQueryDto): MessageRange {
    const cursor = decodeCursor<MessageCursor>(query.cursor, { d: /^[fb]$/, a: 'number', b: 'number' });
    if (cursor)
      return {
        direction: cursor.d === 'f' ? 'forward' : 'backward',
        after: cursor.a,
        before: cursor.b,
      };
    const after = query.afterSeq ?? 0;
    const before = query.beforeSeq ?? 0;
    return { direction: query.afterSeq !== undefined ? 'forward' : 'backward', after, before };
  }

  /** Moves the caller's read position forward (never back) and tells the other members when it moved. */
  async markRead(caller: Principal, conversationId: string, dto: MarkReadDto): Promise<void> {
    // A blocked pair's direct conversation: refused, nothing relayed (contract, v2).
    await this.safety.assertNotBlockedInDirect(caller.userId, conversationId);
    const result = await this.messages.markRead(conversationId, caller.userId, dto.seq);
    if (!result) throw conversationNotFound();
    if (result.advanced) {
      // In a group, a receipt does not reach anyone blocked either way with the reader.
      const recipients = await this.safety.notBlockedWith(caller.userId, result.otherMemberIds);
      await this.delivery.readAdvanced(conversationId, caller.userId, result.seq, recipients);
    }
  }
}
