// Safety graph: the per-request cost of deciding from current state (DESIGN.md, "Consistency").
// Measures, in one run and on one connection each, what feed adds per request (SafetyGraph.viewer:
// one pipelined round trip reading the viewer's blocks, connections and follows), what messaging
// adds per send and the gateway per typing:start (blockedAmong: one pipelined round trip), and
// what profiles adds per graph write (writePair: one MULTI), against a bare Redis PING and a bare
// PostgreSQL `SELECT 1` as references.
// Runs against dist/ (npm run build) and the local Redis/PostgreSQL. Env: BENCH_REDIS_URL,
// BENCH_DATABASE_ADMIN_URL, BENCH_REQUESTS.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const Redis = require('ioredis').default ?? require('ioredis');
const { Client } = require('pg');
const { SafetyGraph, SAFETY_READY_KEY } = require(`${root}dist/libs/realtime/src/index.js`);

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_REQUESTS ?? 1000);

async function measure(name, fn) {
  for (let i = 0; i < 200; i++) await fn(i);
  const times = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { name, p50: q(0.5), p99: q(0.99) };
}

const redis = new Redis(REDIS_URL);
const pg = new Client({ connectionString: ADMIN_URL });
await pg.connect();
const graph = new SafetyGraph(redis);
const viewer = randomUUID();
const others = Array.from({ length: 700 }, () => randomUUID());
await graph.load({
  blocks: others.slice(0, 10).map((o) => [viewer, o]),
  connections: others.slice(10, 210).map((o) => [viewer, o]),
  follows: others.slice(200, 700).map((o) => [viewer, o]),
});
await redis.set(SAFETY_READY_KEY, '1');
const load = loadavg()[0].toFixed(1);

const rows = [];
rows.push(await measure('reference: Redis PING', () => redis.ping()));
rows.push(await measure('reference: PostgreSQL SELECT 1', () => pg.query('SELECT 1')));
rows.push(
  await measure('feed, per request: viewer() (10 blocks, 200 connections, 500 follows)', () => graph.viewer(viewer)),
);
rows.push(
  await measure('messaging per send / gateway per typing: blockedAmong(1)', (i) =>
    graph.blockedAmong(viewer, [others[i % 700]]),
  ),
);
rows.push(
  await measure('profiles per graph write: writePair', (i) =>
    graph.writePair(viewer, others[i % 700], { blocked: false, connected: false, aFollowsB: true, bFollowsA: false }),
  ),
);
const ping = rows[0].p50;
console.log(`load average ${load}, ${N} sequential calls each\n`);
console.log('| path | p50 | p99 | p50 / PING |\n| --- | --- | --- | --- |');
for (const r of rows)
  console.log(`| ${r.name} | ${r.p50.toFixed(3)} ms | ${r.p99.toFixed(3)} ms | ${(r.p50 / ping).toFixed(1)}× |`);

await redis.del(`sg:u:${viewer}:blocks`, `sg:u:${viewer}:following`, `rm:user:${viewer}:connections`);
redis.disconnect();
await pg.end();
