import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { encodeEvent } from './event-codec';
import type { EventName } from './event-catalogue';
import { outboxChannel } from './events.migration';
import type { EventsMetrics, OutboxStats } from './events.metrics';
import type { EventsOptions } from './events.options';
import { streamKey } from './stream-keys';

interface OutboxRow {
  seq: string;
  id: string;
  name: EventName;
  version: number;
  payload: never;
  occurred_at: Date;
}

export type RelayOptions = Pick<
  EventsOptions,
  'app' | 'schema' | 'streamPrefix' | 'streamMaxLen' | 'relayPollMs' | 'batchSize'
>;

/**
 * Moves committed outbox rows to the app's stream. Woken by NOTIFY (sent by the outbox trigger
 * at commit) and by a poll that also catches what a crash or a Redis outage left behind. Rows
 * are locked with SKIP LOCKED so several instances relay side by side, and deleted by a
 * transaction that commits only after XADD succeeded: a crash in between re-sends them
 * (at-least-once; the consumers' processed-event record absorbs the duplicate).
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly table: string;
  private readonly stream: string;
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private again = false;
  private stopped = true;
  private lastWarn = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: Redis,
    private readonly options: RelayOptions,
    private readonly metrics?: EventsMetrics,
  ) {
    this.table = `"${options.schema}".outbox_events`;
    this.stream = streamKey(options.streamPrefix, options.app);
  }

  get streamName(): string {
    return this.stream;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.timer = setInterval(() => this.nudge(), this.options.relayPollMs);
    this.nudge();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.current;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Asks for a relay pass; passes never overlap within a process, a request during one queues another. */
  nudge(): void {
    if (this.stopped) return;
    if (this.current) {
      this.again = true;
      return;
    }
    this.current = this.drain().finally(() => {
      this.current = undefined;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  /** Relays until the outbox is empty (or only holds rows another instance has locked). */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n < this.options.batchSize) return total;
    }
  }

  async stats(): Promise<OutboxStats> {
    const [row] = await this.dataSource.query<Array<{ pending: number; oldest: string | null }>>(
      `SELECT count(*)::int AS pending, (extract(epoch FROM now() - min(occurred_at)) * 1000)::bigint AS oldest FROM ${this.table}`,
    );
    return { pending: row.pending, oldestAgeMs: row.oldest === null ? null : Number(row.oldest) };
  }

  private async drain(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      // Redis or PostgreSQL unavailable: rows stay in the outbox and the next poll retries.
      this.warn(`relay pass failed, will retry: ${(err as Error).message}`);
    }
  }

  private async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Losing this commit in a crash only re-sends the rows (at-least-once), so it need not wait
      // for the WAL flush: one fsync less between a publish and its handler.
      await manager.query('SET LOCAL synchronous_commit = off');
      // Deleted up front and restored by the rollback if XADD fails: one round trip less than select-then-delete.
      const [rows] = await manager.query<[OutboxRow[], number]>(
        `DELETE FROM ${this.table} WHERE seq IN (SELECT seq FROM ${this.table} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING seq, id, name, version, payload, occurred_at`,
        [this.options.batchSize],
      );
      rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
      if (!rows.length) return 0;
      const pipeline = this.redis.pipeline();
      for (const row of rows) {
        const fields = encodeEvent({
          id: row.id,
          name: row.name,
          version: row.version,
          source: this.options.app,
          occurredAt: row.occurred_at.toISOString(),
          payload: row.payload,
        });
        pipeline.call('XADD', this.stream, 'MAXLEN', '~', this.options.streamMaxLen, '*', ...fields);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed || results.length !== rows.length) throw failed?.[0] ?? new Error('XADD pipeline incomplete');
      this.metrics?.relayed.inc({ app: this.options.app }, rows.length);
      return rows.length;
    });
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client(pgClientConfig(this.dataSource));
    const retry = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.listen(), 1000).unref();
    };
    client.on('error', (err) => {
      this.warn(`LISTEN connection lost: ${err.message}`);
      retry();
    });
    client.on('end', retry);
    client.on('notification', () => this.nudge());
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${outboxChannel(this.options.schema)}`);
      // Rows committed while we were not listening.
      this.nudge();
    } catch (err) {
      this.warn(`LISTEN failed, relying on the poll: ${(err as Error).message}`);
      retry();
    }
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarn < 5000) return;
    this.lastWarn = now;
    this.logger.warn(`${this.options.app}: ${message}`);
  }
}

/** The LISTEN connection reuses the data source's connection settings. */
function pgClientConfig(dataSource: DataSource): ClientConfig {
  const o = dataSource.options as {
    url?: string;
    host?: string;
    port?: number;
    username?: string;
    password?: string | (() => string);
    database?: string;
  };
  const config: ClientConfig = o.url
    ? { connectionString: o.url }
    : {
        host: o.host,
        port: o.port,
        user: o.username,
        password: typeof o.password === 'function' ? o.password() : o.password,
        database: o.database,
      };
  return { ...config, application_name: 'plaza-outbox-listener', connectionTimeoutMillis: 5000 };
}
