import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeEvent } from './event-codec';
import { type DomainEvent, EVENT_CATALOGUE, type EventName } from './event-catalogue';
import { inEventSpan } from './event-tracing';
import type { EventsMetrics, StreamGroupStats } from './events.metrics';
import type { EventsOptions } from './events.options';
import { deadLetterKey, errorsKey, streamKey } from './stream-keys';

/**
 * Runs inside the transaction that also records the event as processed: do the app's writes
 * with `manager` so they commit (or roll back) together with that record.
 */
export type EventHandler<N extends EventName = EventName> = (
  event: DomainEvent<N>,
  manager: EntityManager,
) => Promise<void> | void;

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

type Outcome = 'processed' | 'duplicate';
type Entry = [id: string, fields: string[] | null];

/** Thrown inside the handler transaction to roll it back when another delivery won the race. */
class AlreadyProcessed extends Error {}

/**
 * One consumer group per subscribing app over the streams of the events it subscribes to.
 * New entries come from a blocking XREADGROUP on a dedicated connection; a periodic scan of the
 * pending lists retries failed entries with exponential backoff, claims entries of consumers that
 * went silent for `claimIdleMs`, and moves entries that failed `maxAttempts` times to the
 * dead-letter stream. Each entry is acknowledged only after its handler transaction committed.
 */
export class EventConsumer {
  private readonly logger = new Logger('EventConsumer');
  private readonly handlers = new Map<string, Array<{ label: string; fn: EventHandler<never> }>>();
  private readonly streams = new Set<string>();
  private readonly groupsReady = new Set<string>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly processedTable: string;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private readLoop?: Promise<void>;
  private claimTimer?: NodeJS.Timeout;
  private claiming?: Promise<void>;
  private lastWarn = 0;
  /** Starts "recent" so that a fleet restarting together does not prune all at once. */
  private lastPrune = Date.now() - Math.random() * 3_600_000;

  constructor(
    private readonly dataSource: DataSource,
    /** Acks, claims, dead letters. */
    private readonly redis: Redis,
    /** Only for the blocking XREADGROUP, which holds its connection for up to `blockMs`. */
    private readonly reader: Redis,
    private readonly options: ConsumerOptions,
    private readonly metrics?: EventsMetrics,
  ) {
    this.processedTable = `"${options.schema}".processed_events`;
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
    await this.ensureGroups().catch((err: Error) =>
      this.warn(`creating consumer groups failed, will retry: ${err.message}`),
    );
    this.readLoop = this.read();
    this.claimTimer = setInterval(() => {
      if (!this.claiming && this.state === 'running')
        this.claiming = this.claimPending()
          .then(() => this.pruneProcessed())
          .finally(() => (this.claiming = undefined));
    }, this.options.claimIntervalMs);
  }

  /**
   * Processed-event rows only need to outlive any redelivery of their entry (a relay re-send, a
   * claim after a crash: minutes). Kept a week, pruned at most once an hour by each instance.
   */
  private async pruneProcessed(): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    try {
      await this.dataSource.query(
        `DELETE FROM ${this.processedTable} WHERE consumer_group = $1 AND processed_at < now() - interval '7 days'`,
        [this.options.group],
      );
    } catch (err) {
      this.warn(`pruning processed events failed: ${(err as Error).message}`);
    }
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
    // Breaks the blocking XREADGROUP at once instead of waiting up to blockMs.
    this.reader.disconnect();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      // The read loop ends once the batch it is handling is done.
      Promise.allSettled([this.readLoop, ...this.inFlight.values(), this.claiming]).then(() => true),
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

  private async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      if (this.groupsReady.has(stream)) continue;
      try {
        // From the start of the stream: events published before this app first ran still reach it.
        await this.redis.call('XGROUP', 'CREATE', stream, this.options.group, '0', 'MKSTREAM');
      } catch (err) {
        if (!/BUSYGROUP/.test((err as Error).message)) throw err;
      }
      this.groupsReady.add(stream);
    }
  }

  private async read(): Promise<void> {
    const { group, consumerName, batchSize, blockMs } = this.options;
    while (this.state === 'running') {
      const streams = [...this.streams];
      let reply: unknown;
      try {
        if (this.groupsReady.size < streams.length) await this.ensureGroups();
        reply = await this.reader.call(
          'XREADGROUP',
          'GROUP',
          group,
          consumerName,
          'COUNT',
          batchSize,
          'BLOCK',
          blockMs,
          'STREAMS',
          ...streams,
          ...streams.map(() => '>'),
        );
      } catch (err) {
        if (this.state !== 'running') break;
        const message = (err as Error).message;
        // Redis restarted without persistence (or the stream was deleted): recreate the groups.
        if (/NOGROUP/.test(message)) this.groupsReady.clear();
        else this.warn(`XREADGROUP failed: ${message}`);
        await sleep(/NOGROUP/.test(message) ? 10 : 500);
        continue;
      }
      for (const [stream, entries] of streamsOf(reply)) await this.handleBatch(stream, entries);
    }
  }

  /**
   * Entries of one read, split into `concurrency` contiguous slices (one slice keeps the
   * stream's order). Each slice is handled in one transaction with a savepoint per event: one
   * commit for many events, while a failing event rolls back alone and is retried alone.
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
    const { group } = this.options;
    const items: Array<{ id: string; fields: string[]; event: DomainEvent }> = [];
    for (const [id, fields] of entries) {
      try {
        items.push({ id, fields, event: decodeEvent(fields) });
      } catch (err) {
        // Can never succeed: no point retrying.
        await this.deadLetter(stream, id, fields, attempt, (err as Error).message).catch((e: Error) =>
          this.warn(`dead-lettering ${id} failed: ${e.message}`),
        );
      }
    }
    if (!items.length) return;
    let outcomes: Map<string, Outcome | Error>;
    try {
      outcomes = await this.runHandlers(items);
    } catch (err) {
      // The transaction itself failed (commit, connection): none of it happened, all are retried.
      outcomes = new Map(items.map((item) => [item.id, err as Error]));
    }
    const acked: string[] = [];
    for (const item of items) {
      const outcome = outcomes.get(item.id);
      const name = item.event.name;
      if (outcome === 'processed' || outcome === 'duplicate') {
        acked.push(item.id);
        this.metrics?.handled.inc({ group, event: name, outcome });
        if (outcome === 'processed' && item.event.occurredAt) {
          const seconds = Math.max(0, Date.now() - Date.parse(item.event.occurredAt)) / 1000;
          this.metrics?.deliverySeconds.observe({ group, event: name }, seconds);
        }
        continue;
      }
      const message = outcome instanceof Error ? outcome.message : String(outcome);
      this.metrics?.handled.inc({ group, event: name, outcome: 'failed' });
      this.warn(`${name} ${item.event.id} attempt ${attempt}/${this.options.maxAttempts} failed: ${message}`);
      try {
        if (attempt >= this.options.maxAttempts) await this.deadLetter(stream, item.id, item.fields, attempt, message);
        else await this.redis.hset(errorsKey(this.options.streamPrefix, group), `${stream} ${item.id}`, message);
      } catch (e) {
        this.warn(`recording the failure of ${item.id} failed: ${(e as Error).message}`);
      }
    }
    // If this ack is lost the entries are redelivered later and recognised as duplicates.
    if (acked.length)
      await this.ack(stream, acked, attempt > 1).catch((e: Error) => this.warn(`XACK failed: ${e.message}`));
  }

  private async runHandlers(items: Array<{ id: string; event: DomainEvent }>): Promise<Map<string, Outcome | Error>> {
    const { group } = this.options;
    const outcomes = new Map<string, Outcome | Error>();
    // Alone in its transaction an event needs no savepoint: its failure rolls the transaction back.
    const single = items.length === 1;
    try {
      await this.dataSource.transaction(async (manager) => {
        const rows = await manager.query<Array<{ event_id: string }>>(
          `SELECT event_id FROM ${this.processedTable} WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])`,
          [group, items.map((i) => i.event.id)],
        );
        const seen = new Set(rows.map((r) => r.event_id));
        for (const { id, event } of items) {
          if (seen.has(event.id)) {
            outcomes.set(id, 'duplicate');
            continue;
          }
          const started = performance.now();
          if (!single) await manager.query('SAVEPOINT plaza_event');
          try {
            await inEventSpan(event, group, async () => {
              for (const handler of this.handlers.get(event.name) ?? []) await handler.fn(event as never, manager);
            });
            // Last, so that a slow handler holds no lock a concurrent delivery of the same event would wait on.
            const inserted = await manager.query<unknown[]>(
              `INSERT INTO ${this.processedTable} (consumer_group, event_id, event_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
              [group, event.id, event.name],
            );
            // Another delivery committed it meanwhile: undo this one's writes.
            if (!inserted.length) throw new AlreadyProcessed();
            if (!single) await manager.query('RELEASE SAVEPOINT plaza_event');
            outcomes.set(id, 'processed');
            seen.add(event.id);
            this.metrics?.handlerSeconds.observe({ group, event: event.name }, (performance.now() - started) / 1000);
          } catch (err) {
            if (single) throw err;
            await manager.query('ROLLBACK TO SAVEPOINT plaza_event');
            outcomes.set(id, err instanceof AlreadyProcessed ? 'duplicate' : toError(err));
          }
        }
      });
    } catch (err) {
      if (!single) throw err;
      outcomes.set(items[0].id, err instanceof AlreadyProcessed ? 'duplicate' : toError(err));
    }
    return outcomes;
  }

  private async ack(stream: string, ids: string[], clearErrors: boolean): Promise<void> {
    const multi = this.redis.multi().call('XACK', stream, this.options.group, ...ids);
    if (clearErrors)
      multi.hdel(errorsKey(this.options.streamPrefix, this.options.group), ...ids.map((id) => `${stream} ${id}`));
    await multi.exec();
  }

  private async deadLetter(
    stream: string,
    id: string,
    fields: string[],
    attempts: number,
    error: string,
  ): Promise<void> {
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
      .hdel(errorsKey(streamPrefix, group), `${stream} ${id}`)
      .exec();
    this.metrics?.handled.inc({ group, event: eventNameOf(fields), outcome: 'dead_lettered' });
    this.logger.error(
      `${group}: ${eventNameOf(fields)} ${id} moved to the dead-letter stream after ${attempts} attempt(s): ${error}`,
    );
  }

  private backoff(deliveries: number): number {
    return Math.min(this.options.retryBaseMs * 2 ** Math.max(0, deliveries - 1), this.options.retryMaxMs);
  }

  /**
   * Our own failed entries come back after their backoff; other consumers' entries only after
   * `claimIdleMs` of silence (their owner is presumed dead). XCLAIM's min-idle argument makes two
   * instances racing for one entry harmless: the second claim finds it no longer idle.
   */
  private async claimPending(): Promise<void> {
    const { group, consumerName, maxAttempts, claimIdleMs, retryBaseMs } = this.options;
    for (const stream of [...this.groupsReady]) {
      if (this.state !== 'running') return;
      let pending: Array<[string, string, number, number]>;
      try {
        pending = (await this.redis.call(
          'XPENDING',
          stream,
          group,
          'IDLE',
          Math.min(retryBaseMs, claimIdleMs),
          '-',
          '+',
          this.options.batchSize,
        )) as typeof pending;
      } catch (err) {
        this.warn(`XPENDING failed: ${(err as Error).message}`);
        continue;
      }
      for (const [id, owner, idle, deliveries] of pending) {
        if (this.state !== 'running') return;
        if (this.inFlight.has(`${stream} ${id}`)) continue;
        const due = owner === consumerName ? this.backoff(deliveries) : Math.max(claimIdleMs, this.backoff(deliveries));
        if (idle < due) continue;
        try {
          const claimed = (await this.redis.call('XCLAIM', stream, group, consumerName, due, id)) as Entry[];
          for (const [claimedId, fields] of claimed) {
            if (!fields) continue;
            if (deliveries >= maxAttempts) {
              const last = await this.redis.hget(errorsKey(this.options.streamPrefix, group), `${stream} ${claimedId}`);
              await this.deadLetter(
                stream,
                claimedId,
                fields,
                deliveries,
                last ?? `no outcome after ${deliveries} deliveries (consumer died?)`,
              );
            } else if (!this.handlers.has(eventNameOf(fields))) {
              await this.redis.call('XACK', stream, group, claimedId);
            } else {
              await this.track(stream, [[claimedId, fields]], deliveries + 1);
            }
          }
        } catch (err) {
          this.warn(`claiming ${id} failed: ${(err as Error).message}`);
        }
      }
    }
  }

  /** Removes this consumer's name from the groups when it leaves nothing pending. */
  private async forgetSelf(): Promise<void> {
    for (const stream of this.groupsReady) {
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

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarn < 2000) return;
    this.lastWarn = now;
    this.logger.warn(`${this.options.group}: ${message}`);
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function eventNameOf(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'name') return fields[i + 1];
  return '';
}

/** XREADGROUP's reply: RESP2 gives [[stream, entries], ...]; RESP3 (ioredis 6's default) a map, flattened to [stream, entries, ...]. */
function streamsOf(reply: unknown): Array<[string, Entry[]]> {
  if (!Array.isArray(reply) || !reply.length) return [];
  if (Array.isArray(reply[0])) return reply as Array<[string, Entry[]]>;
  const out: Array<[string, Entry[]]> = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), reply[i + 1] as Entry[]]);
  return out;
}

function pairsToRecord(pairs: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) record[String(pairs[i])] = pairs[i + 1];
  return record;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
