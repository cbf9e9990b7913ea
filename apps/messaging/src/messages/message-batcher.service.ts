import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { isUnavailableError } from '@plaza/platform';
import { MessageDeliveryService } from '../delivery/message-delivery.service';
import type { StoredMessage } from '../delivery/stored-message';
import { MessagesRepository, type NewMessage } from './messages.repository';

/**
 * Parallel group-commit lanes. A conversation always uses the same lane, so its messages are
 * stored and pushed in the order they were submitted to this instance; unrelated conversations
 * spread over the lanes and commit in parallel (the pool has 10 connections; the rest serve
 * reads, read positions and the events machinery).
 */
const LANES = 4;
/** Most sends in one statement (the parameters are arrays, so the statement's size is fixed). */
const BATCH_MAX = 500;

interface Pending {
  message: NewMessage;
  resolve: (stored: StoredMessage | null) => void;
  reject: (err: unknown) => void;
}

interface Lane {
  queue: Pending[];
  busy: boolean;
  /** Resolves when the lane is idle (for shutdown). */
  idle: Promise<void>;
  markIdle: () => void;
}

function laneOf(conversationId: string): number {
  // The last hex digits of a UUID are random enough to spread conversations.
  return parseInt(conversationId.slice(-4), 16) % LANES || 0;
}

/**
 * Group commit for sends (REST and socket alike): sends submitted while a lane's previous
 * statement runs go together into its next one, so under load many messages share one commit
 * and one WAL flush, and at low load a send waits for nothing but its own statement. After each
 * commit the batch is pushed (one Redis round trip) without holding anything in PostgreSQL, and
 * the lane goes on with its next batch while the push is on the wire; each send's promise
 * resolves after its push (or after the push was given up on: the message is stored either way).
 */
@Injectable()
export class MessageBatcher implements BeforeApplicationShutdown {
  /** Pushes on the wire (awaited at shutdown). */
  private readonly pushing = new Set<Promise<void>>();
  private readonly lanes: Lane[] = Array.from({ length: LANES }, () => {
    const lane = { queue: [], busy: false } as unknown as Lane;
    lane.idle = Promise.resolve();
    lane.markIdle = () => undefined;
    return lane;
  });

  constructor(
    private readonly messages: MessagesRepository,
    private readonly delivery: MessageDeliveryService,
  ) {}

  /**
   * Stores the message with the next seq of its conversation, then pushes it. Resolves with the
   * stored message, or null when nothing was stored for it (not a member, a block, or its
   * clientMsgId used already: the caller finds out which); rejects when the store failed.
   */
  submit(message: NewMessage): Promise<StoredMessage | null> {
    const lane = this.lanes[laneOf(message.conversationId)];
    return new Promise((resolve, reject) => {
      lane.queue.push({ message, resolve, reject });
      if (!lane.busy) {
        lane.busy = true;
        lane.idle = new Promise((done) => (lane.markIdle = done));
        // After this turn of the event loop: the sends read from other sockets in the same
        // turn (and the rest of a forwarded batch) join this statement.
        setImmediate(() => void this.drain(lane));
      }
    });
  }

  private async drain(lane: Lane): Promise<void> {
    try {
      while (lane.queue.length) {
        const batch = lane.queue.splice(0, BATCH_MAX);
        const outcomes = await this.store(batch.map((p) => p.message));
        const stored: StoredMessage[] = [];
        outcomes.forEach((outcome, i) => {
          if (outcome instanceof Error) batch[i].reject(outcome);
          else if (outcome === null) batch[i].resolve(null);
          else stored.push(outcome);
        });
        if (!stored.length) continue;
        // Called now, so the push goes on the wire before the next batch's; not awaited.
        const pushed = this.delivery.messagesStored(stored).then(() => {
          outcomes.forEach((outcome, i) => {
            if (outcome && !(outcome instanceof Error)) batch[i].resolve(outcome);
          });
        });
        this.pushing.add(pushed);
        void pushed.finally(() => this.pushing.delete(pushed));
      }
    } finally {
      lane.busy = false;
      lane.markIdle();
    }
  }

  /**
   * One statement for the batch. When it fails for a reason other than the store being down
   * (a concurrent duplicate, text PostgreSQL refuses), the batch's sends are retried one by
   * one so that one bad send does not fail the others; a duplicate then means "already stored".
   */
  private async store(batch: NewMessage[]): Promise<Array<StoredMessage | null | Error>> {
    try {
      return await this.messages.insertBatch(batch);
    } catch (err) {
      if (batch.length === 1) return [MessagesRepository.isDuplicateError(err) ? null : asError(err)];
      if (isUnavailableError(err)) return batch.map(() => asError(err));
    }
    const outcomes: Array<StoredMessage | null | Error> = [];
    for (const message of batch) {
      try {
        outcomes.push((await this.messages.insertBatch([message]))[0]);
      } catch (err) {
        if (MessagesRepository.isDuplicateError(err)) outcomes.push(null);
        else outcomes.push(asError(err));
      }
    }
    return outcomes;
  }

  /** Lets the sends already accepted finish (stored and pushed) before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    const drained = Promise.all(this.lanes.map((lane) => lane.idle)).then(() => Promise.all([...this.pushing]));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)));
    await Promise.race([drained, timeout]).finally(() => clearTimeout(timer));
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
