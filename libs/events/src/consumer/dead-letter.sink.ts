import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { EventsMetrics } from '../events.metrics';
import { deadLetterKey, errorsKey } from '../stream-keys';
import { eventNameOf } from './stream-replies';

export interface DeadLetterOptions {
  group: string;
  consumerName: string;
  streamPrefix: string;
  streamMaxLen: number;
}

/**
 * Where failures go. A failure below `maxAttempts` is only recorded (its last error, so that the
 * dead letter carries it whichever instance finally gives up); a final one moves the entry to
 * `<prefix>:dead:<group>` and acks it, in one MULTI.
 */
export class DeadLetterSink {
  private readonly logger = new Logger('EventConsumer');
  private readonly errors: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: DeadLetterOptions,
    private readonly metrics?: EventsMetrics,
  ) {
    this.errors = errorsKey(options.streamPrefix, options.group);
  }

  recordFailure(stream: string, id: string, error: string): Promise<unknown> {
    return this.redis.hset(this.errors, `${stream} ${id}`, error);
  }

  lastError(stream: string, id: string): Promise<string | null> {
    return this.redis.hget(this.errors, `${stream} ${id}`);
  }

  /** Acks entries and, after a retry, forgets their recorded errors. */
  async ack(stream: string, ids: string[], clearErrors: boolean): Promise<void> {
    const multi = this.redis.multi().call('XACK', stream, this.options.group, ...ids);
    if (clearErrors) multi.hdel(this.errors, ...ids.map((id) => `${stream} ${id}`));
    await multi.exec();
  }

  async deadLetter(stream: string, id: string, fields: string[], attempts: number, error: string): Promise<void> {
    const { streamPrefix, group, consumerName, streamMaxLen } = this.options;
    await this.redis
      .multi()
      .call(
        'XADD',
        deadLetterKey(streamPrefix, group),
        'MAXLEN',
        '~',
        streamMaxLen,
        '*',
        ...fields,
        'stream',
        stream,
        'entryId',
        id,
        'group',
        group,
        'consumer',
        consumerName,
        'attempts',
        attempts,
        'error',
        error,
        'failedAt',
        new Date().toISOString(),
      )
      .call('XACK', stream, group, id)
      .hdel(this.errors, `${stream} ${id}`)
      .exec();
    this.metrics?.handled.inc({ group, event: eventNameOf(fields), outcome: 'dead_lettered' });
    this.logger.error(
      `${group}: ${eventNameOf(fields)} ${id} moved to the dead-letter stream after ${attempts} attempt(s): ${error}`,
    );
  }
}
