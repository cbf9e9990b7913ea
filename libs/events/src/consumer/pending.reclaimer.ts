import type Redis from 'ioredis';
import type { DeadLetterSink } from './dead-letter.sink';
import { type Entry, eventNameOf, type ThrottledWarning } from './stream-replies';

export interface ReclaimerOptions {
  group: string;
  consumerName: string;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  claimIdleMs: number;
  batchSize: number;
}

/** What the coordinator does with a claimed entry: handle it again as delivery number `attempt`. */
export type Redeliver = (stream: string, entry: [string, string[]], attempt: number) => Promise<void>;

/**
 * The periodic scan of the pending lists. Our own failed entries come back after their
 * exponential backoff; other consumers' entries only after `claimIdleMs` of silence (their owner
 * is presumed dead). XCLAIM's min-idle argument makes two instances racing for one entry
 * harmless: the second claim finds it no longer idle. An entry delivered `maxAttempts` times goes
 * to the dead-letter sink.
 */
export class PendingReclaimer {
  constructor(
    private readonly redis: Redis,
    private readonly options: ReclaimerOptions,
    private readonly deadLetters: DeadLetterSink,
    private readonly warning: ThrottledWarning,
    /** Entries this instance is handling right now: never claimed from under itself. */
    private readonly isInFlight: (stream: string, id: string) => boolean,
    private readonly isSubscribed: (eventName: string) => boolean,
  ) {}

  backoff(deliveries: number): number {
    return Math.min(this.options.retryBaseMs * 2 ** Math.max(0, deliveries - 1), this.options.retryMaxMs);
  }

  async reclaim(streams: string[], running: () => boolean, redeliver: Redeliver): Promise<void> {
    for (const stream of streams) {
      if (!running()) return;
      const pending = await this.pendingOf(stream);
      for (const [id, owner, idle, deliveries] of pending) {
        if (!running()) return;
        if (this.isInFlight(stream, id)) continue;
        const due =
          owner === this.options.consumerName
            ? this.backoff(deliveries)
            : Math.max(this.options.claimIdleMs, this.backoff(deliveries));
        if (idle < due) continue;
        try {
          await this.claim(stream, id, due, deliveries, redeliver);
        } catch (err) {
          this.warning.warn(`claiming ${id} failed: ${(err as Error).message}`);
        }
      }
    }
  }

  private async pendingOf(stream: string): Promise<Array<[string, string, number, number]>> {
    const { group, claimIdleMs, retryBaseMs, batchSize } = this.options;
    try {
      return (await this.redis.call(
        'XPENDING',
        stream,
        group,
        'IDLE',
        Math.min(retryBaseMs, claimIdleMs),
        '-',
        '+',
        batchSize,
      )) as Array<[string, string, number, number]>;
    } catch (err) {
      this.warning.warn(`XPENDING failed: ${(err as Error).message}`);
      return [];
    }
  }

  private async claim(
    stream: string,
    id: string,
    minIdle: number,
    deliveries: number,
    redeliver: Redeliver,
  ): Promise<void> {
    const { group, consumerName, maxAttempts } = this.options;
    const claimed = (await this.redis.call('XCLAIM', stream, group, consumerName, minIdle, id)) as Entry[];
    for (const [claimedId, fields] of claimed) {
      if (!fields) continue;
      if (deliveries >= maxAttempts) {
        const last = await this.deadLetters.lastError(stream, claimedId);
        await this.deadLetters.deadLetter(
          stream,
          claimedId,
          fields,
          deliveries,
          last ?? `no outcome after ${deliveries} deliveries (consumer died?)`,
        );
      } else if (!this.isSubscribed(eventNameOf(fields))) {
        await this.redis.call('XACK', stream, group, claimedId);
      } else {
        await redeliver(stream, [claimedId, fields], deliveries + 1);
      }
    }
  }
}
