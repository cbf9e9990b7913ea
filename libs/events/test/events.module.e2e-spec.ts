import { randomUUID } from 'node:crypto';
import { Global, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@plaza/config';
import { dataSourceOptions, initializeAppDataSource } from '@plaza/database';
import {
  createEventsMigration,
  type DomainEvent,
  EVENTS_ENTITIES,
  EventConsumer,
  EventsMetrics,
  EventsModule,
  OnDomainEvent,
  OutboxService,
} from '@plaza/events';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { HealthRegistry, RedisHealthIndicator } from '@plaza/platform';
import { createTestDatabase, dropTestDatabase, waitFor } from '@plaza/testing';
import { DataSource, type EntityManager } from 'typeorm';

const schema = `evmod_${randomUUID().slice(0, 8)}`;

/** A feed-like app: publishes posts and follows them into a read model through its own events. */
@Injectable()
class TimelineHandlers {
  calls: string[] = [];
  slowMs = 0;
  entered = false;

  @OnDomainEvent('post.created')
  async onPostCreated(event: DomainEvent<'post.created'>, manager: EntityManager): Promise<void> {
    this.entered = true;
    if (this.slowMs) await new Promise((r) => setTimeout(r, this.slowMs));
    await manager.query(`INSERT INTO "${schema}".timeline (post_id) VALUES ($1)`, [event.payload.postId]);
    this.calls.push(event.id);
  }
}

describe('EventsModule: wiring in a Nest app', () => {
  let databaseUrl: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('plaza_events_module');
    dataSource = await initializeAppDataSource(
      dataSourceOptions(databaseUrl, 5, {
        schema,
        entities: EVENTS_ENTITIES,
        migrations: [createEventsMigration(schema)],
      }),
      schema,
    );
    await dataSource.query(`CREATE TABLE "${schema}".timeline (post_id uuid NOT NULL)`);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await dropTestDatabase(databaseUrl);
  });

  async function boot() {
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL,
      SHUTDOWN_GRACE_MS: '5000',
    });
    @Global()
    @Module({
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [{ provide: DataSource, useValue: dataSource }, HealthRegistry, RedisHealthIndicator],
      exports: [DataSource, HealthRegistry, RedisHealthIndicator, TerminusModule],
    })
    class InfraModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        InfraModule,
        EventsModule.forApp({
          app: 'feed',
          schema,
          streamPrefix: `test:evmod:${randomUUID().slice(0, 8)}`,
          relayPollMs: 60_000,
        }),
      ],
      providers: [TimelineHandlers],
    }).compile();
    // An application context is enough: the lifecycle hooks are what is under test.
    moduleRef.useLogger(false);
    await moduleRef.init();
    return moduleRef;
  }

  const timeline = async () =>
    await dataSource.query<Array<{ post_id: string }>>(`SELECT post_id FROM "${schema}".timeline`);

  it('discovers @OnDomainEvent handlers, relays on commit and reports lag, pending and metrics', async () => {
    const app = await boot();
    try {
      const outbox = app.get(OutboxService);
      const handlers = app.get(TimelineHandlers);
      expect(app.get(EventConsumer).subscribedEvents).toEqual(['post.created']);

      const postId = randomUUID();
      await dataSource.transaction((m) =>
        outbox.publish(m, 'post.created', {
          postId,
          authorId: randomUUID(),
          visibility: 'public',
          createdAt: new Date().toISOString(),
        }),
      );
      await waitFor(() => handlers.calls.length === 1, { timeoutMs: 3000, message: 'handler ran' });
      expect((await timeline()).map((r) => r.post_id)).toContain(postId);

      // The relay deletes the outbox row after its XADD, so the handler can run a moment before.
      const health = await waitFor(
        async () => {
          const h = await app.get(HealthCheckService).check(app.get(HealthRegistry).indicators());
          return (h.details.events as { outbox?: { pending?: number } }).outbox?.pending === 0 ? h : null;
        },
        { timeoutMs: 3000, message: 'outbox drained' },
      );
      expect(health.details.events).toMatchObject({ status: 'up', group: 'feed', outbox: { pending: 0 } });
      const streams = Object.values(health.details.events.streams as Record<string, { lag: number; pending: number }>);
      expect(streams).toEqual([{ lag: 0, pending: 0 }]);

      const metrics = await app.get(EventsMetrics).registry.metrics();
      expect(metrics).toMatch(/plaza_events_handled_total\{group="feed",event="post.created",outcome="processed"\} 1/);
      expect(metrics).toMatch(/plaza_events_relayed_total\{app="feed"\} 1/);
      expect(metrics).toMatch(/plaza_events_stream_lag\{stream="[^"]+:feed",group="feed"\} 0/);
    } finally {
      await app.close();
    }
  });

  it('drains the handler in flight on shutdown and acknowledges it', async () => {
    const app = await boot();
    const handlers = app.get(TimelineHandlers);
    handlers.slowMs = 400;
    const postId = randomUUID();
    await dataSource.transaction((m) =>
      app.get(OutboxService).publish(m, 'post.created', {
        postId,
        authorId: randomUUID(),
        visibility: 'public',
        createdAt: new Date().toISOString(),
      }),
    );
    await waitFor(() => handlers.entered, { timeoutMs: 3000, message: 'handler started' });
    const consumer = app.get(EventConsumer);
    await app.close();
    // close() returned only after the slow handler committed.
    expect(handlers.calls).toHaveLength(1);
    expect((await timeline()).map((r) => r.post_id)).toContain(postId);
    const [stats] = await readStats(consumer);
    expect(stats.pending).toBe(0);
  });
});

/** The app's own Redis connections are closed after shutdown: read the group through a fresh one. */
async function readStats(consumer: EventConsumer) {
  const { createRedisClient, closeRedis } = await import('@plaza/redis');
  const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'test:stats');
  try {
    return await Promise.all(
      consumer.subscribedStreams.map(async (stream) => {
        const pending = (await redis.call('XPENDING', stream, consumer.group)) as [number, ...unknown[]];
        return { stream, pending: Number(pending[0]) };
      }),
    );
  } finally {
    await closeRedis(redis);
  }
}
