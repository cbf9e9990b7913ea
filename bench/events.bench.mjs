// Domain events: publish (outbox, in a transaction) → relay → XREADGROUP → handler transaction,
// against the bare XADD → XREADGROUP round trip on the same Redis, in the same run.
// Runs against dist/ (npm run build) and the local PostgreSQL/Redis; creates and drops its own database.
// Env: BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_EVENTS (saturation run size), BENCH_RATE (paced run, events/s).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createDatabase, dropDatabase, sleep } from './boot.mjs';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/libs/', import.meta.url).pathname;
const events = require(`${dist}events/src/index.js`);
const { dataSourceOptions, initializeAppDataSource } = require(`${dist}database/src/index.js`);
const { createRedisClient, closeRedis } = require(`${dist}redis/src/index.js`);

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const SATURATION_EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const PACED_EVENTS = 1000;
const RATE = Number(process.env.BENCH_RATE ?? 200);
const PUBLISHERS = 8;
const PREFIX = `bench:events:${process.pid}`;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function summary(latencies) {
  const s = [...latencies].sort((a, b) => a - b);
  return { p50: +pct(s, 50).toFixed(3), p99: +pct(s, 99).toFixed(3), max: +s[s.length - 1].toFixed(3) };
}

/** Open-loop pacing: the i-th event is sent at start + i/rate whatever happened before. */
async function paced(n, rate, send) {
  const start = performance.now();
  const pending = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(send(i));
  }
  await Promise.all(pending);
}

/** Resolves when `count()` reaches n; polls cheaply. */
async function until(count, n, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (count() < n) {
    if (Date.now() > deadline) throw new Error(`timed out at ${count()}/${n}`);
    await sleep(2);
  }
}

// ---------------------------------------------------------------------------------------------
// Bare reference: XADD on one connection, XREADGROUP BLOCK + XACK on another.
async function bare(label, { n, rate }) {
  const stream = `${PREFIX}:bare:${label}`;
  const writer = createRedisClient(REDIS_URL, 'bench-bare-writer');
  const reader = createRedisClient(REDIS_URL, 'bench-bare-reader', { maxRetriesPerRequest: null });
  await writer.call('XGROUP', 'CREATE', stream, 'g', '$', 'MKSTREAM');
  const sentAt = new Map();
  const latencies = [];
  let received = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const reply = await reader.call(
        'XREADGROUP',
        'GROUP',
        'g',
        'c',
        'COUNT',
        100,
        'BLOCK',
        200,
        'STREAMS',
        stream,
        '>',
      );
      if (!reply) continue;
      const entries = Array.isArray(reply[0]) ? reply[0][1] : reply[1];
      const now = performance.now();
      for (const [, fields] of entries) {
        latencies.push(now - sentAt.get(fields[1]));
        received++;
      }
      await writer.call('XACK', stream, 'g', ...entries.map(([id]) => id));
    }
  })();
  const started = performance.now();
  const send = async (i) => {
    const key = String(i);
    sentAt.set(key, performance.now());
    await writer.call(
      'XADD',
      stream,
      'MAXLEN',
      '~',
      100000,
      '*',
      'k',
      key,
      'payload',
      JSON.stringify({ postId: randomUUID() }),
    );
  };
  if (rate) await paced(n, rate, send);
  else {
    let next = 0;
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async () => {
        while (next < n) await send(next++);
      }),
    );
  }
  await until(() => received, n);
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await loop;
  await writer.del(stream);
  await Promise.all([closeRedis(writer), closeRedis(reader)]);
  return { ...summary(latencies), eventsPerSecond: Math.round(n / seconds) };
}

// ---------------------------------------------------------------------------------------------
// Product path: OutboxService.publish in a transaction → OutboxRelay → EventConsumer handler.
/**
 * `apps.publisher` stands for the publishing app (its business transactions and its relay share
 * one pool, as in a real app) and `apps.subscriber` for the subscribing app (its own pool).
 */
async function product(apps, schema, label, { n, rate, concurrency, backlog = false }) {
  const dataSource = apps.publisher;
  const options = {
    app: 'feed',
    schema,
    group: `bench-${label}`,
    consumerName: `bench-${label}`,
    streamPrefix: `${PREFIX}:${label}`,
    redisUrl: REDIS_URL,
    relay: true,
    consume: true,
    maxAttempts: 5,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
    claimIdleMs: 30_000,
    claimIntervalMs: 1000,
    streamMaxLen: 1_000_000,
    relayPollMs: 1000,
    batchSize: 100,
    blockMs: 2000,
    concurrency,
  };
  const redis = createRedisClient(REDIS_URL, 'bench-events', { commandTimeout: 5000 });
  const reader = createRedisClient(REDIS_URL, 'bench-events-reader', { maxRetriesPerRequest: null });
  const outbox = new events.OutboxService(options);
  const relay = new events.OutboxRelay(dataSource, redis, options);
  const consumer = new events.EventConsumer(apps.subscriber, redis, reader, options);
  const committedAt = new Map();
  const latencies = [];
  const publishTimes = [];
  let handled = 0;
  consumer.subscribe('post.created', async (event, manager) => {
    const t0 = committedAt.get(event.payload.postId);
    // A handler that writes one row, as a read-model update would.
    await manager.query(`INSERT INTO "${schema}".bench_effects (post_id) VALUES ($1)`, [event.payload.postId]);
    if (t0 !== undefined) latencies.push(performance.now() - t0);
    handled++;
  });
  if (backlog) {
    // Relay and consumer capacity alone: the events are already committed when they start.
    for (let i = 0; i < n; i += 500) {
      await dataSource.transaction((m) =>
        outbox.publishMany(
          m,
          Array.from({ length: Math.min(500, n - i) }, () => {
            const postId = randomUUID();
            return { name: 'post.created', payload: { postId, authorId: postId, visibility: 'public', createdAt: '' } };
          }),
        ),
      );
    }
  }
  await consumer.start();
  const started = performance.now();
  await relay.start();
  const send = async () => {
    const postId = randomUUID();
    // Latency runs from the publish call (the business transaction with its outbox row) to the
    // handler having done its write, inside its own transaction.
    const t0 = performance.now();
    committedAt.set(postId, t0);
    await dataSource.transaction((m) =>
      outbox.publish(m, 'post.created', {
        postId,
        authorId: postId,
        visibility: 'public',
        createdAt: new Date().toISOString(),
      }),
    );
    publishTimes.push(performance.now() - t0);
  };
  if (backlog) {
    // nothing to send: the events are in the outbox already
  } else if (rate) await paced(n, rate, send);
  else {
    let next = 0;
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async () => {
        while (next++ < n) await send();
      }),
    );
  }
  await until(() => handled, n);
  const seconds = (performance.now() - started) / 1000;
  await consumer.stop();
  await relay.stop();
  const keys = await redis.keys(`${options.streamPrefix}:*`);
  if (keys.length) await redis.del(...keys);
  await Promise.all([closeRedis(redis), closeRedis(reader)]);
  const latency = latencies.length ? summary(latencies) : {};
  const publishTx = publishTimes.length ? { publishTx: summary(publishTimes) } : {};
  return { ...latency, ...publishTx, eventsPerSecond: Math.round(n / seconds) };
}

async function main() {
  const db = await createDatabase('events');
  const schema = 'bench';
  const dataSource = await initializeAppDataSource(
    dataSourceOptions(db.url, 10, {
      schema,
      entities: events.EVENTS_ENTITIES,
      migrations: [events.createEventsMigration(schema)],
    }),
    schema,
  );
  await dataSource.query(`CREATE TABLE "${schema}".bench_effects (post_id uuid NOT NULL)`);
  const subscriber = await initializeAppDataSource(
    dataSourceOptions(db.url, 10, {
      schema,
      entities: events.EVENTS_ENTITIES,
      migrations: [events.createEventsMigration(schema)],
    }),
    schema,
  );
  const apps = { publisher: dataSource, subscriber };
  const results = {};
  try {
    // Warm-up (JIT, connection pools), not reported.
    await bare('warm', { n: 300, rate: 0 });
    await product(apps, schema, 'warm', { n: 300, rate: 0, concurrency: 1 });

    results.paced = {
      conditions: `${PACED_EVENTS} events at ${RATE}/s, one publisher per event, consumer concurrency 1`,
      bare: await bare('paced', { n: PACED_EVENTS, rate: RATE }),
      product: await product(apps, schema, 'paced', { n: PACED_EVENTS, rate: RATE, concurrency: 1 }),
    };
    results.saturation = {
      conditions: `${SATURATION_EVENTS} events from ${PUBLISHERS} concurrent publishers, as fast as possible`,
      bare: await bare('sat', { n: SATURATION_EVENTS, rate: 0 }),
      productConcurrency1: await product(apps, schema, 'sat1', { n: SATURATION_EVENTS, rate: 0, concurrency: 1 }),
      productConcurrency8: await product(apps, schema, 'sat8', { n: SATURATION_EVENTS, rate: 0, concurrency: 8 }),
    };
    results.backlog = {
      conditions: `${SATURATION_EVENTS} events committed to the outbox before relay and consumer start (their capacity alone)`,
      productConcurrency1: await product(apps, schema, 'drain1', {
        n: SATURATION_EVENTS,
        rate: 0,
        concurrency: 1,
        backlog: true,
      }),
    };
    results.ratios = {
      pacedP50: +(results.paced.product.p50 / results.paced.bare.p50).toFixed(1),
      pacedP99: +(results.paced.product.p99 / results.paced.bare.p99).toFixed(1),
      throughputConcurrency1: +(
        results.saturation.productConcurrency1.eventsPerSecond / results.saturation.bare.eventsPerSecond
      ).toFixed(3),
      backlogDrain: +(
        results.backlog.productConcurrency1.eventsPerSecond / results.saturation.bare.eventsPerSecond
      ).toFixed(3),
      throughputConcurrency8: +(
        results.saturation.productConcurrency8.eventsPerSecond / results.saturation.bare.eventsPerSecond
      ).toFixed(3),
    };
  } finally {
    await Promise.all([dataSource.destroy(), subscriber.destroy()]);
    await dropDatabase(db.name);
  }
  return results;
}

const results = await main();
const ms = (r) => `${r.p50} / ${r.p99} ms`;
const lines = [
  '### events',
  '',
  `| run | path | latency p50 / p99 | events/s |`,
  `| --- | --- | --- | --- |`,
  `| paced ${RATE}/s | bare XADD → XREADGROUP | ${ms(results.paced.bare)} | ${results.paced.bare.eventsPerSecond} |`,
  `| paced ${RATE}/s | outbox → relay → handler | ${ms(results.paced.product)} | ${results.paced.product.eventsPerSecond} |`,
  `| saturation | bare XADD → XREADGROUP | ${ms(results.saturation.bare)} | ${results.saturation.bare.eventsPerSecond} |`,
  `| saturation | product, concurrency 1 | ${ms(results.saturation.productConcurrency1)} | ${results.saturation.productConcurrency1.eventsPerSecond} |`,
  `| saturation | product, concurrency 8 | ${ms(results.saturation.productConcurrency8)} | ${results.saturation.productConcurrency8.eventsPerSecond} |`,
  `| backlog drain | relay + consumer only, concurrency 1 | – | ${results.backlog.productConcurrency1.eventsPerSecond} |`,
  '',
  `publish transaction alone (paced): p50 ${results.paced.product.publishTx.p50} ms, p99 ${results.paced.product.publishTx.p99} ms`,
];
console.log(lines.join('\n'));
console.log(JSON.stringify({ bench: 'events', ...results }, null, 2));
process.exit(0);
