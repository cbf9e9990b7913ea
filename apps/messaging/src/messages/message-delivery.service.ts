import { Injectable, Logger } from '@nestjs/common';
import { RealtimePublisher, TypingStore } from '@plaza/realtime';
import type { MessageDto } from './dto/message.dto';

/** A push that has not answered by then is given up on (logged): the message is stored either way. */
const PUSH_TIMEOUT_MS = 5000;
const ANNOUNCED_READS_MAX = 100_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Pushes what messaging stored to the members' sockets, after the commit. A failed push never
 * fails the request: the message or read position is stored, and clients catch up over REST
 * (`afterSeq`) or through the realtime log replay.
 */
@Injectable()
export class MessageDeliveryService {
  private readonly logger = new Logger(MessageDeliveryService.name);
  /** Last read position announced per conversation and user (bounded: cleared when full). */
  private readonly announcedReads = new Map<string, number>();
  constructor(
    private readonly publisher: RealtimePublisher,
    private readonly typing: TypingStore,
  ) {}

  /**
   * `message:new` to every member (the sender's other sockets too); ends the sender's typing.
   * `typingAudience` narrows who hears that typing ended (no one blocked either way with the
   * sender: they were never told it started); it only runs when the sender was typing.
   */
  async messageStored(
    message: MessageDto,
    memberIds: readonly string[],
    typingAudience?: (others: string[]) => Promise<string[]>,
  ): Promise<void> {
    const others = memberIds.filter((id) => id !== message.senderId);
    const typingEnded = this.typingEnded(
      message.conversationId,
      message.senderId,
      typingAudience ? () => typingAudience(others) : others,
    );
    try {
      await withTimeout(
        this.publisher.pushDurable(memberIds, 'message:new', message),
        PUSH_TIMEOUT_MS,
        'message:new push',
      );
    } catch (err) {
      this.logger.error(
        `message ${message.id} (conversation ${message.conversationId}, seq ${message.seq}) stored but not pushed: ${String(err)}`,
      );
    }
    await typingEnded;
  }

  async readAdvanced(
    conversationId: string,
    userId: string,
    seq: number,
    otherMemberIds: readonly string[],
  ): Promise<void> {
    // Two reads of one user committed 10 then 12 may come back from the pool in either order:
    // announce only positions past the last one announced, so receipts never go backwards.
    // Check-and-set is synchronous and pushDurable writes to Redis before its first await, so the
    // announcements reach Redis in this order.
    const key = `${conversationId}|${userId}`;
    if ((this.announcedReads.get(key) ?? 0) >= seq) return;
    if (this.announcedReads.size >= ANNOUNCED_READS_MAX) this.announcedReads.clear();
    this.announcedReads.set(key, seq);
    try {
      await withTimeout(
        this.publisher.pushDurable(otherMemberIds, 'message:read', { conversationId, userId, seq }),
        PUSH_TIMEOUT_MS,
        'message:read push',
      );
    } catch (err) {
      this.logger.error(`read position ${seq} of ${userId} in ${conversationId} stored but not pushed: ${String(err)}`);
    }
  }

  /** Announces `isTyping: false` when this call ended the user's typing state (exactly once across instances). */
  async typingEnded(
    conversationId: string,
    userId: string,
    recipients: readonly string[] | (() => Promise<readonly string[]>),
  ): Promise<void> {
    try {
      if (await this.typing.stop(conversationId, userId)) {
        const to = typeof recipients === 'function' ? await recipients() : recipients;
        this.publisher.pushEphemeral(to, 'typing', { conversationId, userId, isTyping: false });
      }
    } catch (err) {
      this.logger.warn(`typing stop of ${userId} in ${conversationId} failed: ${String(err)}`);
    }
  }
}
