import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { decodeEvent } from './event-codec';
import { type DomainEvent, EVENT_CATALOGUE, type EventName } from './event-catalogue';
import type { EventsMetrics, StreamGroupStats } from './events.metrics';
import type { EventsOptions } from './events.options';
import { streamKey } from './stream-keys';
import { DeadLetterSink } from './consumer/dead-letter.sink';
import { type EventHandler, HandlerRunner, type Outcome } from './consumer/handler.runner';
import { PendingReclaimer } from './consumer/pending.reclaimer';
import { ProcessedEventsPruner } from './consumer/processed-events.pruner';
import { StreamReader } from './consumer/stream.reader';
import { type Entry, eventNameOf, pairsToRecord, ThrottledWarning } from './consumer/stream-replies';

export type { EventHandler } from './consumer/handler.runner';

export type ConsumerOptions = Pick<
  EventsOptions,
  | 'schema'
  | 'group'
  | 'consumerName'
  | 'streamPrefix'
  | 'maxAttempts'
  | 'retryBaseMs'
  | 'retryMaxMs'
  | 'claimIdleMs'
  | 'claimIntervalMs'
  | 'streamMaxLen'
  | 'batchSize'
  | 'blockMs'
  | 'concurrency'
>;

/**
 * One consumer group per subscribing app over the streams of the events it subscribes to. A
 * coordinator of five parts (`consumer/`): the stream reader (blocking XREADGROUP), the handler
 * runner (one transaction per slice, a savepoint and a processed-event record per event), the
 * pending reclaimer (retries with backoff, claims from silent consumers), the dead-letter sink and
 * the processed-events pruner. This class splits batches into slices, tracks what is in flight,
 * acks what committed and reports. Each entry is acknowledged only after its handler transaction
 * committed.
 */
export class EventConsumer {
  private readonly logger = new Logger('EventConsumer');
  private readonly handlers = new Map<string, Array<{ label: string; fn: EventHandler<never> }>>();
  private readonly streams = new Set<string>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly warning: ThrottledWarning;
  private readonly reader: StreamReader;
  private readonly runner: HandlerRunner;
  private readonly deadLetters: DeadLetterSink;
  private readonly reclaimer: PendingReclaimer;
  private readonly pruner: ProcessedEventsPruner;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private claimTimer?: NodeJS.Timeout;
  private claiming?: Promise<void>;

  constructor(
    dataSource: DataSource,
    /** Acks, claims, dead letters. */
    private readonly redis: Redis,
    /** Only for the blocking XREADGROUP, which holds its connection for up to `blockMs`. */
    readerConnection: Redis,
    private readonly options: ConsumerOptions,
    private readonly metrics?: EventsMetrics,
  ) {
    this.warning = new ThrottledWarning((message) => this.logger.warn(`${options.group}: ${message}`));
    this.reader = new StreamReader(redis, readerConnection, this.streams, options, this.warning);
    this.runner = new HandlerRunner(dataSource, options.schema, options.group, this.handlers, metrics);
    this.deadLetters = new DeadLetterSink(redis, options, metrics);
    this.reclaimer = new PendingReclaimer(
      redis,
      options,
      this.deadLetters,
      this.warning,
      (stream, id) => this.inFlight.has(`${stream} ${id}`),
      (name) => this.handlers.has(name),
    );
    this.pruner = new ProcessedEventsPruner(dataSource, this.runner.table, options.group, this.warning);
  }

  get group(): string {
    return this.options.group;
  }

  get consumerName(): string {
    return this.options.consumerName;
  }

  get subscribedStreams(): string[] {
    return [...this.streams];
  }

  get subscribedEvents(): string[] {
    return [...this.handlers.keys()];
  }

  /** Several handlers of one event run in order in the same transaction. Subscribe before `start()`. */
  subscribe<N extends EventName>(name: N, handler: EventHandler<N>, label = handler.name || 'handler'): void {
    if (this.state !== 'idle') throw new Error(`subscribe(${name}) after the consumer started`);
    const list = this.handlers.get(name) ?? [];
    list.push({ label, fn: handler });
    this.handlers.set(name, list);
    this.streams.add(streamKey(this.options.streamPrefix, EVENT_CATALOGUE[name].source));
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'running';
    if (!this.streams.size) return;
    await this.reader.start((stream, entries) => this.handleBatch(stream, entries));
    this.claimTimer = setInterval(() => {
      if (this.claiming || this.state !== 'running') return;
      this.claiming = this.reclaimer
        .reclaim(
          this.reader.readyStreams,
          () => this.state === 'running',
          (stream, entry, attempt) => this.track(stream, [entry], attempt),
        )
        .then(() => this.pruner.pruneIfDue())
        .finally(() => (this.claiming = undefined));
    }, this.options.claimIntervalMs);
  }

  /**
   * Stops reading and waits for the handlers in flight (at most `drainTimeoutMs`); whatever is
   * still running then stays pending in Redis and is claimed by another instance.
   */
  async stop({ drainTimeoutMs = 10_000 } = {}): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    clearInterval(this.claimTimer);
    const readLoop = this.reader.stop();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      // The read loop ends once the batch it is handling is done.
      Promise.allSettled([readLoop, ...this.inFlight.values(), this.claiming]).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (!drained)
      this.logger.warn(
        `${this.options.group}: ${this.inFlight.size} handler(s) still running after ${drainTimeoutMs} ms, left pending`,
      );
    else await this.forgetSelf();
    this.state = 'stopped';
  }

  /** Lag and pending count of this group on every stream it reads. */
  async stats(): Promise<StreamGroupStats[]> {
    return Promise.all(
      [...this.streams].map(async (stream) => {
        const groups = (await this.redis.call('XINFO', 'GROUPS', stream).catch((err: Error) => {
          if (/no such key/i.test(err.message)) return [];
          throw err;
        })) as unknown[][];
        const info = groups.map(pairsToRecord).find((g) => g.name === this.options.group);
        return {
          stream,
          group: this.options.group,
          lag: info?.lag === undefined || info.lag === null ? (info ? null : 0) : Number(info.lag),
          pending: Number(info?.pending ?? 0),
        };
      }),
    );
  }

  /**
   * Entries of one read, split into `concurrency` contiguous slices (one slice keeps the
   * stream's order), each handled by the runner in one transaction.
   */
  private async handleBatch(stream: string, entries: Entry[]): Promise<void> {
    const ignored: string[] = [];
    const work: Array<[string, string[]]> = [];
    for (const [id, fields] of entries) {
      if (!fields || !this.handlers.has(eventNameOf(fields))) ignored.push(id);
      else work.push([id, fields]);
    }
    const slices = Math.min(this.options.concurrency, work.length);
    const size = Math.ceil(work.length / Math.max(1, slices));
    const runs: Array<Promise<void>> = [];
    for (let i = 0; i < work.length; i += size) runs.push(this.track(stream, work.slice(i, i + size), 1));
    await Promise.all(runs);
    // Events of the source stream this app does not subscribe to.
    if (ignored.length) await this.redis.call('XACK', stream, this.options.group, ...ignored).catch(() => undefined);
  }

  private track(stream: string, entries: Array<[string, string[]]>, attempt: number): Promise<void> {
    const keys = entries.map(([id]) => `${stream} ${id}`);
    const run = this.handleEntries(stream, entries, attempt).finally(() =>
      keys.forEach((k) => this.inFlight.delete(k)),
    );
    for (const key of keys) this.inFlight.set(key, run);
    return run;
  }

  private async handleEntries(stream: string, entries: Array<[string, string[]]>, attempt: number): Promise<void> {
    const items: Array<{ id: string; fields: string[]; event: DomainEvent }> = [];
    for (const [id, fields] of entries) {
      try {
        items.push({ id, fields, event: decodeEvent(fields) });
      } catch (err) {
        // Can never succeed: no point retrying.
        await this.deadLetters
          .deadLetter(stream, id, fields, attempt, (err as Error).message)
          .catch((e: Error) => this.warning.warn(`dead-lettering ${id} failed: ${e.message}`));
      }
    }
    if (!items.length) return;
    let outcomes: Map<string, Outcome | Error>;
    try {
      outcomes = await this.runner.run(items);
    } catch (err) {
      // The transaction itself failed (commit, connection): none of it happened, all are retried.
      outcomes = new Map(items.map((item) => [item.id, err as Error]));
    }
    const acked: string[] = [];
    for (const item of items) {
      const outcome = outcomes.get(item.id);
      if (outcome === 'processed' || outcome === 'duplicate') {
        acked.push(item.id);
        this.record(item.event, outcome);
        continue;
      }
      await this.fail(stream, item, attempt, outcome instanceof Error ? outcome.message : String(outcome));
    }
    // If this ack is lost the entries are redelivered later and recognised as duplicates.
    if (acked.length)
      await this.deadLetters
        .ack(stream, acked, attempt > 1)
        .catch((e: Error) => this.warning.warn(`XACK failed: ${e.message}`));
  }

  private record(event: DomainEvent, outcome: Outcome): void {
    const { group } = this.options;
    this.metrics?.handled.inc({ group, event: event.name, outcome });
    if (outcome === 'processed' && event.occurredAt) {
      const seconds = Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000;
      this.metrics?.deliverySeconds.observe({ group, event: event.name }, seconds);
    }
  }

  /** Below `maxAttempts` the entry stays pending for the reclaimer; at it, it is dead-lettered. */
  private async fail(
    stream: string,
    item: { id: string; fields: string[]; event: DomainEvent },
    attempt: number,
    message: string,
  ): Promise<void> {
    const { group, maxAttempts } = this.options;
    this.metrics?.handled.inc({ group, event: item.event.name, outcome: 'failed' });
    this.warning.warn(`${item.event.name} ${item.event.id} attempt ${attempt}/${maxAttempts} failed: ${message}`);
    try {
      if (attempt >= maxAttempts) await this.deadLetters.deadLetter(stream, item.id, item.fields, attempt, message);
      else await this.deadLetters.recordFailure(stream, item.id, message);
    } catch (e) {
      this.warning.warn(`recording the failure of ${item.id} failed: ${(e as Error).message}`);
    }
  }

  /** Removes this consumer's name from the groups when it leaves nothing pending. */
  private async forgetSelf(): Promise<void> {
    for (const stream of this.reader.readyStreams) {
      try {
        const [count] = (await this.redis.call(
          'XPENDING',
          stream,
          this.options.group,
          '-',
          '+',
          1,
          this.options.consumerName,
        )) as unknown[];
        if (count === undefined)
          await this.redis.call('XGROUP', 'DELCONSUMER', stream, this.options.group, this.options.consumerName);
      } catch {
        // best effort; an idle consumer entry costs nothing but a line in XINFO
      }
    }
  }
}
