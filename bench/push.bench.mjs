// Push: (1) pushes per second the push app sustains against a fake Web Push service that answers
// every request in 50 ms, against a bare loop doing the same requests (web-push encryption +
// VAPID, undici, same concurrency) in the same run.
// Runs against dist/ (npm run build) and the local PostgreSQL/Redis; creates and drops its own database.
// Env: BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_PUSHES (default 2000).
import { createECDH, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createDatabase, dropDatabase, freePort, sleep, startApp, stopChild } from './boot.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const webpush = require('web-push');
const { Agent, request } = require('undici');

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const PUSHES = Number(process.env.BENCH_PUSHES ?? 2000);
const CONCURRENCY = 32;
const ANSWER_MS = 50;

const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
};

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
  server.keepAliveTimeout = 60_000;
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

// ---------------------------------------------------------------------------------------------
// Product: deliveries queued in the push app's table, sent by its dispatcher.
async function product(db, fake, vapid) {
  const port = await freePort();
  const child = await startApp('push', {
    port,
    inherit: true,
    timeoutMs: 180_000,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL,
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
      INTERNAL_TOKEN: randomBytes(32).toString('hex'),
      PUSH_PORT: String(port),
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      PUSH_ENDPOINT_ORIGINS: fake.url,
      PUSH_CONCURRENCY: String(CONCURRENCY),
      EVENTS_STREAM_PREFIX: `bench:push:${process.pid}`,
    },
  });
  try {
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
    await stopChild(child);
  }
}

// Bare reference: the same encrypted, VAPID-signed requests from a loop with the same concurrency.
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
        try {
          const res = await request(d.endpoint, {
            method: 'POST',
            headers: d.headers,
            body: d.body,
            dispatcher: agent,
          });
          await res.body.dump();
        } catch {
          subs.push(sub); // a reset keep-alive socket: send it again, as the push app would
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await agent.close();
  return { rate: PUSHES / seconds, seconds, cpuPerPush: (cpu.user + cpu.system) / 1000 / PUSHES };
}

const db = await createDatabase('push');
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
  process.stdout.write(`load: ${readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
} finally {
  fake.server.closeAllConnections();
  fake.server.close();
  await dropDatabase(db.name);
}
