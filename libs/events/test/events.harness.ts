import { randomUUID } from 'node:crypto';
import { dataSourceOptions, initializeAppDataSource } from '@plaza/database';
import {
  createEventsMigration,
  EVENTS_ENTITIES,
  EventConsumer,
  type EventHandler,
  type EventName,
  type EventsOptions,
  OutboxRelay,
  OutboxService,
} from '@plaza/events';
import { closeRedis, createRedisClient, type Redis } from '@plaza/redis';
import type { DataSource } from 'typeorm';

/**
 * Plain instances of the events pieces against a real PostgreSQL schema and Redis, each test
 * with its own schema and stream prefix so that parallel runs never meet.
 */
export class EventsHarness {
  readonly prefix = `test:events:${randomUUID().slice(0, 8)}`;
  private readonly clients: Redis[] = [];
  private readonly stoppers: Array<() => Promise<void>> = [];
  admin: Redis;

  private constructor(
    readonly dataSource: DataSource,
    readonly schema: string,
    readonly redisUrl: string,
  ) {
    this.admin = this.redis('admin');
  }

  static async open(
    databaseUrl: string,
    redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ): Promise<EventsHarness> {
    const schema = `ev_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const dataSource = await initializeAppDataSource(
      dataSourceOptions(databaseUrl, 8, {
        schema,
        entities: EVENTS_ENTITIES,
        migrations: [createEventsMigration(schema)],
      }),
      schema,
    );
    await dataSource.query(
      `CREATE TABLE "${schema}".effects (consumer_group text NOT NULL, event_id uuid NOT NULL, consumer text NOT NULL)`,
    );
    return new EventsHarness(dataSource, schema, redisUrl);
  }

  options(overrides: Partial<EventsOptions> = {}): EventsOptions {
    return {
      app: 'feed',
      schema: this.schema,
      group: 'g1',
      consumerName: `c-${randomUUID().slice(0, 6)}`,
      streamPrefix: this.prefix,
      redisUrl: this.redisUrl,
      relay: true,
      consume: true,
      maxAttempts: 3,
      retryBaseMs: 50,
      retryMaxMs: 200,
      claimIdleMs: 400,
      claimIntervalMs: 25,
      streamMaxLen: 10_000,
      relayPollMs: 200,
      batchSize: 50,
      blockMs: 500,
      concurrency: 1,
      ...overrides,
    };
  }

  redis(name: string, url = this.redisUrl, options: Parameters<typeof createRedisClient>[2] = {}): Redis {
    const client = createRedisClient(url, `test:${name}`, options);
    this.clients.push(client);
    return client;
  }

  outbox(app = 'feed'): OutboxService {
    return new OutboxService({ app, schema: this.schema });
  }

  async relay(overrides: Partial<EventsOptions> = {}, url = this.redisUrl): Promise<OutboxRelay> {
    const relay = new OutboxRelay(
      this.dataSource,
      this.redis('relay', url, { commandTimeout: 2000 }),
      this.options(overrides),
    );
    this.stoppers.push(() => relay.stop());
    await relay.start();
    return relay;
  }

  /** A started consumer whose handler for `name` is `handler`. */
  async consumer<N extends EventName>(
    name: N,
    handler: EventHandler<N>,
    overrides: Partial<EventsOptions> = {},
    url = this.redisUrl,
  ): Promise<EventConsumer> {
    const consumer = new EventConsumer(
      this.dataSource,
      this.redis('cmd', url, { commandTimeout: 2000 }),
      this.redis('reader', url, { maxRetriesPerRequest: null }),
      this.options(overrides),
    );
    consumer.subscribe(name, handler);
    this.stoppers.push(() => consumer.stop({ drainTimeoutMs: 1000 }));
    await consumer.start();
    return consumer;
  }

  /** A handler that records its effect in the same transaction, so duplicates would show. */
  recordEffect(group: string, consumer = group): EventHandler {
    return async (event, manager) => {
      await manager.query(
        `INSERT INTO "${this.schema}".effects (consumer_group, event_id, consumer) VALUES ($1, $2, $3)`,
        [group, event.id, consumer],
      );
    };
  }

  async effects(group?: string): Promise<Array<{ consumer_group: string; event_id: string; consumer: string }>> {
    return this.dataSource.query(
      `SELECT * FROM "${this.schema}".effects ${group ? 'WHERE consumer_group = $1' : ''} ORDER BY event_id`,
      group ? [group] : [],
    );
  }

  async outboxCount(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM "${this.schema}".outbox_events`,
    );
    return row.n;
  }

  async publishPosts(n: number, outbox = this.outbox()): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(
        await this.dataSource.transaction((m) =>
          outbox.publish(m, 'post.created', {
            postId: randomUUID(),
            authorId: randomUUID(),
            visibility: 'public',
            createdAt: new Date().toISOString(),
          }),
        ),
      );
    }
    return ids;
  }

  async close(): Promise<void> {
    for (const stop of this.stoppers.reverse()) await stop().catch(() => undefined);
    const keys = await this.admin.keys(`${this.prefix}:*`).catch(() => [] as string[]);
    if (keys.length) await this.admin.del(...keys).catch(() => undefined);
    await Promise.all(this.clients.map((c) => closeRedis(c)));
    await this.dataSource.query(`DROP SCHEMA "${this.schema}" CASCADE`).catch(() => undefined);
    await this.dataSource.destroy();
  }
}
