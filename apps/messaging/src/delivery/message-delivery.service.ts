import { Injectable, Logger } from '@nestjs/common';
import { RealtimePublisher, SafetyGraph, TypingStore } from '@plaza/realtime';
import { LRUCache } from 'lru-cache';
import type { StoredMessage } from './stored-message';

/** A push that has not answered by then is given up on (logged): the message is stored either way. */
const PUSH_TIMEOUT_MS = 5000;
const ANNOUNCED_READS_MAX = 100_000;
/** Retry interval of a message held back until its previous seq is pushed (by another instance). */
const ORDER_RETRY_MS = 2;
/** Longest a message is held back for its previous seq; then it is pushed anyway. */
const ORDER_WAIT_MAX_MS = 1000;
/** Previous seq committed longer ago than this: its push has been attempted, don't wait for it. */
const ORDER_SETTLED_MS = 2000;
const LAST_PUSHED_MAX = 100_000;

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
  /** Last read position announced per conversation and user (bounded: the least recent go). */
  private readonly announcedReads = new LRUCache<string, number>({ max: ANNOUNCED_READS_MAX });
  /** Highest seq this instance pushed per conversation (bounded: the least recent go). */
  private readonly lastPushed = new LRUCache<string, number>({ max: LAST_PUSHED_MAX });
  constructor(
    private readonly publisher: RealtimePublisher,
    private readonly typing: TypingStore,
    private readonly safety: SafetyGraph,
  ) {}

  /**
   * `message:new` to every member (the sender's other sockets too) of each stored message, in
   * one Redis round trip, then ends the senders' typing. Messages of one conversation come in
   * seq order. A message whose previous seq another instance committed but has not pushed yet
   * is held back (see `RealtimePublisher.pushMessages`) and retried every few ms; this instance
   * forces it through when it pushed seq - 1 itself, when seq - 1 was committed long enough ago
   * that its push has surely been attempted, or after ORDER_WAIT_MAX_MS (its pusher died between
   * commit and push: clients see the late seq - 1 as a gap and fetch it). Never rejects.
   */
  async messagesStored(stored: readonly StoredMessage[]): Promise<void> {
    const started = Date.now();
    const typingEnded = this.typingEndedMany(stored);
    let pending = stored.map((s) => ({
      message: s.message,
      memberIds: s.memberIds,
      force:
        s.message.seq === 1 ||
        this.lastPushed.get(s.message.conversationId) === s.message.seq - 1 ||
        Date.parse(s.message.createdAt) - s.prevActivityAt.getTime() > ORDER_SETTLED_MS,
    }));
    try {
      while (pending.length) {
        const results = await withTimeout(this.publisher.pushMessages(pending), PUSH_TIMEOUT_MS, 'message:new push');
        const waiting: typeof pending = [];
        results.forEach((result, i) => {
          const { message } = pending[i];
          if (result === 'pushed') this.recordPushed(message.conversationId, message.seq);
          else if (result === 'wait') waiting.push(pending[i]);
          else
            this.logger.error(
              `message ${message.id} (conversation ${message.conversationId}, seq ${message.seq}) stored but not pushed: ${String(result)}`,
            );
        });
        if (!waiting.length) break;
        const force = Date.now() - started >= ORDER_WAIT_MAX_MS;
        if (force)
          this.logger.warn(
            `${waiting.length} message(s) pushed without their predecessor (its instance did not push it within ${ORDER_WAIT_MAX_MS} ms)`,
          );
        await new Promise((resolve) => setTimeout(resolve, ORDER_RETRY_MS));
        pending = waiting.map((p) => ({
          ...p,
          force: force || this.lastPushed.get(p.message.conversationId) === p.message.seq - 1,
        }));
      }
    } catch (err) {
      for (const { message } of pending)
        this.logger.error(
          `message ${message.id} (conversation ${message.conversationId}, seq ${message.seq}) stored but not pushed: ${String(err)}`,
        );
    }
    await typingEnded;
  }

  private recordPushed(conversationId: string, seq: number): void {
    if ((this.lastPushed.get(conversationId) ?? 0) >= seq) return;
    this.lastPushed.set(conversationId, seq);
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

  /** `typingEnded` for the senders of many messages, in one Redis round trip. */
  private async typingEndedMany(stored: readonly StoredMessage[]): Promise<void> {
    try {
      const ended = await this.typing.stopMany(
        stored.map(({ message }) => ({ conversationId: message.conversationId, userId: message.senderId })),
      );
      for (const [i, wasTyping] of ended.entries()) {
        if (!wasTyping) continue;
        const { message, memberIds } = stored[i];
        const { conversationId, senderId } = message;
        const others = memberIds.filter((id) => id !== senderId);
        // Never to anyone blocked either way with the sender: they were never told it started.
        const blocked = await this.safety.blockedAmong(senderId, others);
        this.publisher.pushEphemeral(
          others.filter((id) => !blocked.has(id)),
          'typing',
          {
            conversationId,
            userId: senderId,
            isTyping: false,
          },
        );
      }
    } catch (err) {
      this.logger.warn(`typing stop of ${stored.length} sender(s) failed: ${String(err)}`);
    }
  }

  /** Announces `isTyping: false` when this call ended the user's typing state (exactly once across instances). */
  async typingEnded(conversationId: string, userId: string, recipients: readonly string[]): Promise<void> {
    try {
      if (await this.typing.stop(conversationId, userId)) {
        this.publisher.pushEphemeral(recipients, 'typing', { conversationId, userId, isTyping: false });
      }
    } catch (err) {
      this.logger.warn(`typing stop of ${userId} in ${conversationId} failed: ${String(err)}`);
    }
  }
}
