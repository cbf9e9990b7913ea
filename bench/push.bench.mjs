// Push: (1) pushes per second the push app sustains against a fake Web Push service that answers
// every request in 50 ms, against a bare loop doing the same requests (web-push encryption +
// VAPID, undici, same concurrency) in the same run; (2) what the push feature adds on the message
// path: the messaging insert statement with and without the `message.created` outbox row,
// interleaved on the same database.
// Runs against dist/ (npm run build) and the local PostgreSQL/Redis; creates and drops its own database.
// Env: BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_PUSHES (default 2000), BENCH_INSERTS (default 2000).
import { spawn } from 'node:child_process';
import { createECDH, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/', import.meta.url).pathname;
const { Client } = require('pg');
const webpush = require('web-push');
const { Agent, request } = require('undici');
const { dataSourceOptions, initializeAppDataSource } = require(`${dist}libs/database/src/index.js`);
const { migrations: messagingMigrations } = require(`${dist}apps/messaging/src/migrations/index.js`);

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const PUSHES = Number(process.env.BENCH_PUSHES ?? 2000);
const INSERTS = Number(process.env.BENCH_INSERTS ?? 2000);
const CONCURRENCY = 32;
const ANSWER_MS = 50;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
};

async function createDatabase() {
  const name = `plaza_bench_push_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(name) {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

/** A push service answering 201 after ANSWER_MS; counts what it got. */
async function fakePushService() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        received++;
        res.writeHead(201).end();
      }, ANSWER_MS),
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, received: () => received, server };
}

function vapidKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(-65).toString('base64url'),
    privateKey: privateKey.export({ format: 'jwk' }).d,
  };
}

function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

async function waitReady(url, child, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('push app exited');
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error('push app not ready');
}

// ---------------------------------------------------------------------------------------------
// (1a) Product: deliveries queued in the push app's table, sent by its dispatcher.
async function product(db, fake, vapid) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [`${dist}apps/push/src/main.js`], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL,
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
      PUSH_PORT: String(port),
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      PUSH_ENDPOINT_ORIGINS: fake.url,
      PUSH_CONCURRENCY: String(CONCURRENCY),
      EVENTS_STREAM_PREFIX: `bench:push:${process.pid}`,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitReady(`http://127.0.0.1:${port}`, child);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    // Offline users (no presence in Redis), one subscription each, one due push each.
    const values = [];
    const params = [];
    for (let i = 0; i < PUSHES; i++) {
      const k = browserKeys();
      const n = params.length;
      values.push(`($${n + 1}::uuid, $${n + 2}::uuid, 'webpush', $${n + 3}, $${n + 4}, $${n + 5})`);
      params.push(randomUUID(), randomUUID(), `${fake.url}/push/${i}`, k.p256dh, k.auth);
    }
    await pg.query(
      `INSERT INTO push.subscriptions (id, user_id, kind, endpoint, p256dh, auth) VALUES ${values.join(', ')}`,
      params,
    );
    const before = fake.received();
    const cpuBefore = cpuMs(child.pid);
    const started = performance.now();
    await pg.query(
      `INSERT INTO push.deliveries (subscription_id, user_id, topic, type, event_id, actor_id, content, due_at)
       SELECT id, user_id, 'bench', 'message', gen_random_uuid(), NULL,
              jsonb_build_object('conversationId', gen_random_uuid(), 'text', 'a benchmark message'), now()
         FROM push.subscriptions`,
    );
    while (fake.received() - before < PUSHES) await sleep(5);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuMs(child.pid) - cpuBefore;
    await pg.end();
    return { rate: PUSHES / seconds, seconds, cpuPerPush: cpu / PUSHES };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

// (1b) Bare reference: the same encrypted, VAPID-signed requests from a loop with the same concurrency.
async function bare(fake, vapid) {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const subs = Array.from({ length: PUSHES }, (_, i) => ({ endpoint: `${fake.url}/bare/${i}`, keys: browserKeys() }));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < subs.length) {
        const sub = subs[next++];
        const d = webpush.generateRequestDetails(
          sub,
          JSON.stringify({ type: 'message', body: 'a benchmark message' }),
          {
            vapidDetails: { subject: 'mailto:bench@plaza.invalid', ...vapid },
            TTL: 86400,
            urgency: 'high',
            topic: 'bench',
          },
        );
        const res = await request(d.endpoint, { method: 'POST', headers: d.headers, body: d.body, dispatcher: agent });
        await res.body.dump();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await agent.close();
  return { rate: PUSHES / seconds, seconds, cpuPerPush: (cpu.user + cpu.system) / 1000 / PUSHES };
}

// ---------------------------------------------------------------------------------------------
// (2) The message insert with and without the outbox row (copies of messages.repository.ts's
// INSERT_NEXT at this commit; `withOutbox` is what messaging runs).
const INSERT_HEAD = `
WITH s AS (
  UPDATE messaging.conversations c
     SET last_seq = c.last_seq + 1, last_activity_at = clock_timestamp()
   WHERE c.id = $1
     AND EXISTS (SELECT 1 FROM messaging.conversation_members m WHERE m.conversation_id = $1 AND m.user_id = $2 AND m.left_at IS NULL)
     AND NOT (c.type = 'direct' AND EXISTS (
       SELECT 1 FROM messaging.blocks b
        WHERE b.active AND ((b.blocker_id = c.direct_low AND b.blocked_id = c.direct_high) OR (b.blocker_id = c.direct_high AND b.blocked_id = c.direct_low))))
  RETURNING c.last_seq, c.last_activity_at
), ins AS (
  INSERT INTO messaging.messages (id, conversation_id, seq, sender_id, text, client_msg_id, created_at)
  SELECT $3, $1, s.last_seq, $2, $4, $5, s.last_activity_at FROM s
  RETURNING id, conversation_id, seq, sender_id, text, client_msg_id, created_at
), mem AS (
  SELECT ARRAY(SELECT m.user_id FROM messaging.conversation_members m WHERE m.conversation_id = $1 AND m.left_at IS NULL)::text[] AS ids
)`;
const WITHOUT_OUTBOX = `${INSERT_HEAD}
SELECT ins.*, mem.ids AS member_ids, $6::int AS v FROM ins, mem`;
const WITH_OUTBOX = `${INSERT_HEAD}, ob AS (
  INSERT INTO messaging.outbox_events (id, name, version, payload)
  SELECT gen_random_uuid(), 'message.created', $6, jsonb_build_object(
           'messageId', ins.id, 'conversationId', ins.conversation_id, 'seq', ins.seq, 'senderId', ins.sender_id,
           'memberIds', to_jsonb(mem.ids), 'text', ins.text,
           'createdAt', to_char(ins.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    FROM ins, mem
)
SELECT ins.*, mem.ids AS member_ids FROM ins, mem`;

async function messagePath(db) {
  const ds = await initializeAppDataSource(
    dataSourceOptions(db.url, 2, { schema: 'messaging', entities: [], migrations: messagingMigrations }),
    'messaging',
  );
  await ds.destroy();
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const conversation = randomUUID();
  const [a, b] = [randomUUID(), randomUUID()].sort();
  await pg.query(
    `INSERT INTO messaging.conversations (id, type, direct_low, direct_high, created_by) VALUES ($1, 'direct', $2, $3, $2)`,
    [conversation, a, b],
  );
  await pg.query(`INSERT INTO messaging.conversation_members (conversation_id, user_id) VALUES ($1, $2), ($1, $3)`, [
    conversation,
    a,
    b,
  ]);
  const times = { without: [], with: [] };
  for (let i = 0; i < INSERTS * 2; i++) {
    const variant = i % 2 ? 'with' : 'without';
    const started = performance.now();
    await pg.query(variant === 'with' ? WITH_OUTBOX : WITHOUT_OUTBOX, [
      conversation,
      a,
      randomUUID(),
      `message ${i} with some ordinary length of text in it`,
      `c${i}`,
      1,
    ]);
    if (i >= 200) times[variant].push(performance.now() - started); // after warm-up
  }
  await pg.end();
  const stats = (xs) => {
    const s = xs.sort((x, y) => x - y);
    return {
      p50: +pct(s, 50).toFixed(3),
      p99: +pct(s, 99).toFixed(3),
      mean: +(s.reduce((x, y) => x + y, 0) / s.length).toFixed(3),
    };
  };
  return { without: stats(times.without), with: stats(times.with) };
}

const db = await createDatabase();
const fake = await fakePushService();
const vapid = vapidKeys();
try {
  process.stdout.write(`load: ${readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
  const b = await bare(fake, vapid);
  process.stdout.write(
    `bare loop: ${b.rate.toFixed(0)} pushes/s (${PUSHES} in ${b.seconds.toFixed(2)} s), CPU ${b.cpuPerPush.toFixed(3)} ms/push\n`,
  );
  const p = await product(db, fake, vapid);
  process.stdout.write(
    `push app: ${p.rate.toFixed(0)} pushes/s (${PUSHES} in ${p.seconds.toFixed(2)} s), CPU ${p.cpuPerPush.toFixed(3)} ms/push\n`,
  );
  process.stdout.write(
    `ratio product/bare: ${(p.rate / b.rate).toFixed(2)}; ceiling at ${CONCURRENCY} in flight × ${ANSWER_MS} ms: ${(CONCURRENCY * 1000) / ANSWER_MS}/s\n`,
  );
  const m = await messagePath(db);
  process.stdout.write(
    `message insert without outbox row: p50 ${m.without.p50} / p99 ${m.without.p99} / mean ${m.without.mean} ms\n`,
  );
  process.stdout.write(
    `message insert with message.created: p50 ${m.with.p50} / p99 ${m.with.p99} / mean ${m.with.mean} ms\n`,
  );
  process.stdout.write(`load: ${readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
} finally {
  fake.server.closeAllConnections();
  fake.server.close();
  await dropDatabase(db.name);
}
