// Gateway (socket) path against a bare socket.io relay, in ONE run on this machine.
//
//   bare:     two plain socket.io 4.8.3 servers (no auth, no checks) joined by the classic
//             @socket.io/redis-adapter; a client on A emits, the server relays to a room whose
//             only member is on B.
//   product:  two real gateways (dist/apps/gateway); `typing:start` from a client on gateway A
//             (validation, rate limit + membership in Redis, typing deadline, ack) → `typing` to
//             the other member's socket on gateway B. Once with the classic adapter, once with
//             SOCKET_ADAPTER=sharded.
//   memory:   RSS delta per idle connection, N sockets on one fresh gateway vs one fresh bare server.
//   replay:   1,000 durable events pushed while a user is offline, reconnect with lastEventId, time
//             to the 1,000th replayed event.
//
// Load comes from separate generator processes (this file forked with --loadgen). Everything runs
// on 127.0.0.1 only: a private redis-server on a free port (or BENCH_REDIS_URL, which must point
// at 127.0.0.1), a throwaway PostgreSQL database (the gateway's readiness probe needs one), both
// removed at the end. Sessions and tokens are minted with the compiled SessionStore and
// AccessTokenService (the same records and JWTs the auth app issues), so no argon2 registration.
//
// Env: BENCH_CLIENTS (1000), BENCH_MEM_SOCKETS (10000), BENCH_STEP_MS (3000), BENCH_LAT_MS (5000),
//      BENCH_RATES (comma list), BENCH_REPLAY_RUNS (10), BENCH_PHASES (bare,product,sharded,memory,replay),
//      BENCH_REDIS_URL, BENCH_DATABASE_ADMIN_URL, BENCH_JSON_OUT (file for the JSON summary),
//      BENCH_GATEWAY_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the gateways).
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { exited, freePort, rpc, waitFor } from './boot.mjs';
import { openSockets } from './sockets.mjs';
import { cpuMs, pctMs } from './stats.mjs';

const require = createRequire(import.meta.url);
const ROOT = new URL('..', import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;
const HOST = '127.0.0.1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Given to every server process (bare and gateway alike) so that the memory phase can force a
// full GC before reading RSS: garbage left by 10,000 handshakes otherwise counts as "per connection".
// SIGWINCH because Nest's shutdown hooks take SIGUSR2 (and most others) as "shut down".
const GC_ON_SIGNAL = ['--expose-gc', '--import', 'data:text/javascript,process.on("SIGWINCH",()=>globalThis.gc())'];

const ROLE = process.argv[2];
if (ROLE === '--bare-server') await bareServer(Number(process.argv[3]), process.argv[4]);
else if (ROLE === '--loadgen') loadgen();
else await main();

// =============================================================================================
// Bare reference server: plain socket.io + classic Redis adapter, no auth, no checks.
async function bareServer(port, redisUrl) {
  const http = require('node:http');
  const { Server } = require('socket.io');
  const { createAdapter } = require('@socket.io/redis-adapter');
  const { Redis } = require('ioredis');
  const pub = new Redis(redisUrl);
  const sub = new Redis(redisUrl);
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false, adapter: createAdapter(pub, sub, { key: 'bench-bare' }) });
  io.on('connection', (socket) => {
    const id = String(socket.handshake.auth?.id);
    socket.join(`user:${id}`);
    socket.on('relay', (p) =>
      io.to(`user:${p.to}`).emit('typing', { conversationId: p.conversationId, userId: id, isTyping: true }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  httpServer.listen(port, HOST, () => process.send({ ready: true }));
}

// =============================================================================================
// Load generator: holds real socket.io clients, sends open-loop at a given rate, measures latency.
function loadgen() {
  const systems = new Map(); // name → { mode, sockets, senders }
  let idle = [];
  const queues = new Map(); // sender userId → FIFO of send times (one conversation per pair)
  let stats = null;

  const onTyping = (p) => {
    if (!stats || !p || p.isTyping !== true) return;
    const q = queues.get(p.userId);
    if (!q || !q.length) {
      stats.unexpected++;
      return;
    }
    stats.lat.push(performance.now() - q.shift());
    stats.received++;
  };

  async function run({ system, rate, durationMs }) {
    const { mode, senders } = systems.get(system);
    stats = { lat: [], lag: [], sent: 0, received: 0, acked: 0, errors: {}, unexpected: 0 };
    for (const q of queues.values()) q.length = 0;
    const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
    const interval = 1000 / rate;
    let idx = 0;
    const start = performance.now();
    const product = mode === 'product';
    const ack = (res) => {
      if (!stats) return;
      if (res?.ok) stats.acked++;
      else {
        const code = res?.error?.code ?? 'unknown';
        stats.errors[code] = (stats.errors[code] ?? 0) + 1;
      }
    };
    await new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor((now - start) / interval) + 1);
        while (stats.sent < due) {
          const s = senders[idx++ % senders.length];
          const t = performance.now();
          stats.lag.push(t - (start + stats.sent * interval));
          queues.get(s.from).push(t);
          if (product) s.socket.emit('typing:start', { conversationId: s.conversationId }, ack);
          else s.socket.emit('relay', { conversationId: s.conversationId, to: s.to });
          stats.sent++;
        }
        if (stats.sent >= total) resolve();
        else setTimeout(tick, Math.max(0, Math.min(5, start + stats.sent * interval - performance.now())));
      };
      tick();
    });
    const sendMs = performance.now() - start;
    const errorsOf = () => Object.values(stats.errors).reduce((a, b) => a + b, 0);
    const deadline = performance.now() + 3000;
    while (stats.received + errorsOf() < stats.sent && performance.now() < deadline) await sleep(10);
    if (product) while (stats.acked + errorsOf() < stats.sent && performance.now() < deadline) await sleep(10);
    const r = stats;
    stats = null;
    return {
      sent: r.sent,
      received: r.received,
      acked: r.acked,
      errors: r.errors,
      unexpected: r.unexpected,
      sendMs,
      lat: r.lat.map((v) => Math.round(v * 100) / 100),
      lag: r.lag.map((v) => Math.round(v * 100) / 100),
    };
  }

  process.on('message', async (msg) => {
    try {
      if (msg.cmd === 'pairs') {
        // Each pair: a on server A, b on server B, one conversation; both directions send, so
        // every event crosses from one server to the other.
        const auth = (u) => (msg.mode === 'product' ? { token: u.token } : { id: u.id });
        const specs = msg.pairs.flatMap((p) => [
          { url: msg.urls[0], auth: auth(p.a) },
          { url: msg.urls[1], auth: auth(p.b) },
        ]);
        const t0 = performance.now();
        const res = await openSockets(specs);
        const senders = [];
        msg.pairs.forEach((p, i) => {
          const sa = res.sockets[2 * i];
          const sb = res.sockets[2 * i + 1];
          sa.on('typing', onTyping);
          sb.on('typing', onTyping);
          senders.push({ socket: sa, from: p.a.id, to: p.b.id, conversationId: p.conversationId });
          senders.push({ socket: sb, from: p.b.id, to: p.a.id, conversationId: p.conversationId });
          queues.set(p.a.id, []);
          queues.set(p.b.id, []);
        });
        systems.set(msg.system, { mode: msg.mode, sockets: res.sockets, senders });
        process.send({
          id: msg.id,
          ok: true,
          failed: res.failed,
          firstError: res.firstError,
          ms: performance.now() - t0,
        });
      } else if (msg.cmd === 'run') {
        process.send({ id: msg.id, ok: true, ...(await run(msg)) });
      } else if (msg.cmd === 'idle') {
        const t0 = performance.now();
        const res = await openSockets(msg.specs, msg.concurrency ?? 100);
        idle = res.sockets;
        process.send({
          id: msg.id,
          ok: true,
          failed: res.failed,
          firstError: res.firstError,
          ms: performance.now() - t0,
        });
      } else if (msg.cmd === 'close') {
        for (const sys of systems.values()) for (const s of sys.sockets) s?.disconnect();
        for (const s of idle) s?.disconnect();
        systems.clear();
        queues.clear();
        idle = [];
        await sleep(300);
        process.send({ id: msg.id, ok: true });
      }
    } catch (err) {
      process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// =============================================================================================
// Orchestrator
async function main() {
  const started = performance.now();
  const cfg = {
    clients: Number(process.env.BENCH_CLIENTS ?? 1000),
    memSockets: Number(process.env.BENCH_MEM_SOCKETS ?? 10000),
    stepMs: Number(process.env.BENCH_STEP_MS ?? 3000),
    latMs: Number(process.env.BENCH_LAT_MS ?? 3000),
    latRounds: Number(process.env.BENCH_LAT_ROUNDS ?? 2),
    rates: (process.env.BENCH_RATES ?? '1000,2000,4000,6000,8000,10000,12000,14000,16000,18000,20000,24000,28000')
      .split(',')
      .map(Number),
    replayRuns: Number(process.env.BENCH_REPLAY_RUNS ?? 10),
    // A failed step is tried once more before the rate counts as not sustained (noisy machine).
    retries: Number(process.env.BENCH_RETRIES ?? 1),
    priority: Number(process.env.BENCH_PRIORITY ?? 0),
    phases: new Set((process.env.BENCH_PHASES ?? 'bare,product,sharded,memory,replay').split(',')),
    latRate: 1000,
    p99Limit: 50,
    loadgens: 2,
  };
  const pg = require('pg');
  const { Redis } = require('ioredis');
  const dist = `${ROOT}dist/libs/`;
  const { SessionStore, AccessTokenService } = require(`${dist}identity/src/index.js`);
  const { RealtimePublisher, SAFETY_READY_KEY } = require(`${dist}realtime/src/index.js`);

  const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? `postgres://postgres@${HOST}:5432/postgres`;
  assertLocal(adminUrl, 'BENCH_DATABASE_ADMIN_URL');
  if (process.env.BENCH_REDIS_URL) assertLocal(process.env.BENCH_REDIS_URL, 'BENCH_REDIS_URL');

  // BENCH_PRIORITY (e.g. -10, needs root): run this bench's processes at a higher CPU priority
  // than the rest of a shared, busy machine. Off by default: it slows everyone else down.
  const PRIORITY = Number(process.env.BENCH_PRIORITY ?? 0);
  const prioritize = (pid) => {
    if (!PRIORITY) return;
    try {
      os.setPriority(pid, PRIORITY);
    } catch (err) {
      log(`setPriority(${pid}, ${PRIORITY}): ${err.message}`);
    }
  };
  prioritize(process.pid);
  const children = new Set();
  const cleanups = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const child of children) stopChild(child);
    await Promise.all([...children].map((c) => exited(c, 5000)));
    for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${err.message}`));
  };
  const hardStop = setTimeout(() => {
    log('hard time limit (6 min) reached: stopping');
    cleanup().finally(() => process.exit(2));
  }, 6 * 60_000);
  hardStop.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => cleanup().finally(() => process.exit(130)));

  const result = {
    bench: 'gateway',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      socketIo: require('socket.io/package.json').version,
      redisAdapter: require('@socket.io/redis-adapter/package.json').version,
      loadavgAtStart: os.loadavg().map((v) => +v.toFixed(2)),
      totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    },
    conditions: { ...cfg, phases: [...cfg.phases], altDist: process.env.BENCH_ALT_DIST },
  };

  try {
    // ---- Redis (private) and PostgreSQL (throwaway database) ----------------------------------
    let redisBase = process.env.BENCH_REDIS_URL;
    if (!redisBase) {
      const port = await freePort();
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          HOST,
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'yes',
          '--loglevel',
          'warning',
        ],
        {
          cwd: os.tmpdir(),
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      prioritize(child.pid);
      // Stopped last, after every client of it is closed.
      cleanups.push(async () => {
        stopChild(child);
        await exited(child, 5000);
      });
      redisBase = `redis://${HOST}:${port}/0`;
      await waitFor(
        async () => {
          const r = new Redis(redisBase, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
          r.on('error', () => {});
          try {
            await r.connect();
            await r.ping();
            return true;
          } catch {
            return false;
          } finally {
            r.disconnect();
          }
        },
        5000,
        'redis-server',
      );
      result.conditions.redis =
        'private redis-server 7 on 127.0.0.1 (no persistence), DB 0 bare + classic, DB 1 sharded';
    } else result.conditions.redis = `${redisBase} (DB +1 for the sharded gateways)`;
    // The sharded gateways get their own logical database: their sweepers and presence keys must
    // not touch the classic gateways' users (they cannot reach each other's sockets).
    const dbUrlOf = (offset) => {
      const u = new URL(redisBase);
      u.pathname = `/${Number(u.pathname.slice(1) || 0) + offset}`;
      return u.toString();
    };
    const redisUrls = { classic: dbUrlOf(0), sharded: dbUrlOf(1), alt: dbUrlOf(2) };
    const redis = {
      classic: new Redis(redisUrls.classic),
      sharded: new Redis(redisUrls.sharded),
      alt: new Redis(redisUrls.alt),
    };
    cleanups.push(async () => {
      for (const r of Object.values(redis)) {
        if (process.env.BENCH_REDIS_URL) await deleteBenchKeys(r);
        r.disconnect();
      }
    });
    // What the profiles app writes after rebuilding the safety graph (no blocks among these users):
    // without it the gateways fail closed (typing:start answers `internal`, replay `sync:required`).
    const markedReady = [];
    for (const r of Object.values(redis)) {
      if ((await r.set(SAFETY_READY_KEY, String(Date.now()), 'NX')) === 'OK') markedReady.push(r);
    }
    cleanups.push(async () => {
      for (const r of markedReady) await r.del(SAFETY_READY_KEY);
    });

    const dbName = `plaza_bench_gw_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await c.end();
    });
    const dbUrl = new URL(adminUrl);
    dbUrl.pathname = `/${dbName}`;

    // ---- Users, sessions, tokens, conversations ------------------------------------------------
    const JWT_SECRET = `bench-${randomUUID()}-${randomUUID()}`;
    const tokens = new AccessTokenService(JWT_SECRET, 3600);
    const mint = async (client, n) => {
      const sessions = new SessionStore(client);
      const out = [];
      for (let i = 0; i < n; i += 500) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(500, n - i) }, async () => {
            const userId = randomUUID();
            const { session } = await sessions.create({
              userId,
              roles: ['user'],
              permissions: [],
              persistence: 'session',
              ttlSeconds: 3600,
            });
            const { token } = await tokens.sign(userId, session.id);
            return { id: userId, token };
          }),
        );
        out.push(...batch);
      }
      return out;
    };
    const makePairs = async (client, users) => {
      const pairs = [];
      for (let i = 0; i + 1 < users.length; i += 2)
        pairs.push({ conversationId: randomUUID(), a: users[i], b: users[i + 1] });
      if (client) {
        const pipeline = client.pipeline();
        for (const p of pairs) pipeline.sadd(`rm:conv:${p.conversationId}:members`, p.a.id, p.b.id);
        await pipeline.exec();
      }
      return pairs;
    };
    const t0 = performance.now();
    const systems = [];
    if (cfg.phases.has('bare')) {
      const users = Array.from({ length: cfg.clients }, () => ({ id: randomUUID() }));
      systems.push({ name: 'bare', mode: 'bare', pairs: await makePairs(null, users) });
    }
    if (cfg.phases.has('product'))
      systems.push({
        name: 'classic',
        mode: 'product',
        redis: redis.classic,
        pairs: await makePairs(redis.classic, await mint(redis.classic, cfg.clients)),
      });
    if (cfg.phases.has('sharded'))
      systems.push({
        name: 'sharded',
        mode: 'product',
        redis: redis.sharded,
        pairs: await makePairs(redis.sharded, await mint(redis.sharded, cfg.clients)),
      });
    // A/B experiments: BENCH_ALT_DIST=<a copy of dist/ inside the repo> adds a fourth system, the
    // classic gateway pair run from that copy, interleaved with the others.
    const altDist = process.env.BENCH_ALT_DIST;
    if (altDist)
      systems.push({
        name: 'alt',
        mode: 'product',
        redis: redis.alt,
        dist: altDist,
        pairs: await makePairs(redis.alt, await mint(redis.alt, cfg.clients)),
      });
    const memUsers = cfg.phases.has('memory') ? await mint(redis.classic, cfg.memSockets) : [];
    const [replayUser] = await mint(redis.classic, 1);
    log(`minted sessions and conversations in ${Math.round(performance.now() - t0)} ms`);

    // ---- Load generators -----------------------------------------------------------------------
    const gens = [];
    for (let i = 0; i < cfg.loadgens; i++) {
      const child = fork(SELF, ['--loadgen'], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: ['--max-old-space-size=2048'],
      });
      children.add(child);
      prioritize(child.pid);
      gens.push(rpc(child));
    }

    // ---- Servers -----------------------------------------------------------------------------
    const gatewayEnv = async (redisUrl, extra = {}) => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      JWT_SECRET,
      INTERNAL_TOKEN: `internal-${randomUUID()}-${randomUUID()}`,
      GATEWAY_PORT: String(await freePort()),
      AUTH_PORT: String(await freePort()),
      PROFILES_PORT: String(await freePort()),
      FEED_PORT: String(await freePort()),
      MESSAGING_PORT: String(await freePort()),
      BIND_HOST: HOST,
      UPSTREAM_HOST: HOST,
      ALLOWED_ORIGINS: 'http://localhost:3000',
      REGISTER_RATE_LIMIT: '1000000',
      LOGIN_RATE_LIMIT: '1000000',
      API_RATE_LIMIT: '100000000',
      ...extra,
    });
    async function startGateway(redisUrl, extra, distDir = `${ROOT}dist`) {
      const env = await gatewayEnv(redisUrl, extra);
      const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
      const child = spawn(process.execPath, [...GC_ON_SIGNAL, ...nodeArgs, `${distDir}/apps/gateway/src/main.js`], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      prioritize(child.pid);
      const output = [];
      const keep = (chunk) => {
        output.push(chunk.toString());
        if (output.length > 100) output.shift();
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const url = `http://${HOST}:${env.GATEWAY_PORT}`;
      await waitFor(
        async () => {
          if (child.exitCode !== null)
            throw new Error(`gateway exited ${child.exitCode}: ${output.join('').slice(-2000)}`);
          try {
            return (await fetch(`${url}/health/ready`)).status === 200;
          } catch {
            return false;
          }
        },
        30_000,
        'gateway ready',
      );
      return { child, url, output };
    }
    async function startBare() {
      const port = await freePort();
      const child = fork(SELF, ['--bare-server', String(port), redisUrls.classic], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: GC_ON_SIGNAL,
      });
      children.add(child);
      prioritize(child.pid);
      await new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`bare server exited ${code}`)));
      });
      return { child, url: `http://${HOST}:${port}` };
    }
    async function stopAndForget(child) {
      stopChild(child);
      await exited(child, 10_000);
      children.delete(child);
    }

    for (const sys of systems) {
      if (sys.name === 'bare') sys.servers = [await startBare(), await startBare()];
      else {
        const extra = sys.name === 'sharded' ? { SOCKET_ADAPTER: 'sharded' } : {};
        sys.servers = [
          await startGateway(redisUrls[sys.name], extra, sys.dist),
          await startGateway(redisUrls[sys.name], extra, sys.dist),
        ];
      }
      const conn = await Promise.all(
        gens.map((g, i) =>
          g.call({
            cmd: 'pairs',
            system: sys.name,
            mode: sys.mode,
            urls: sys.servers.map((s) => s.url),
            pairs: sys.pairs.filter((_, j) => j % gens.length === i),
          }),
        ),
      );
      const failed = conn.reduce((s, c) => s + c.failed, 0);
      if (failed)
        throw new Error(
          `${sys.name}: ${failed} clients failed to connect (${conn.find((c) => c.firstError)?.firstError})`,
        );
      sys.result = {
        label: sys.name,
        clients: sys.pairs.length * 2,
        connectMs: Math.round(Math.max(...conn.map((c) => c.ms))),
      };
      log(`${sys.name}: ${sys.pairs.length * 2} clients connected across two servers in ${sys.result.connectMs} ms`);
    }

    /** Keeps the typing:start counters of this system's users from tripping the 5/s limit (see BENCHMARKS.md). */
    const seedRateLimit = async (sys, rate, durationMs) => {
      // Always, not only above 5/s per user: a server that falls behind processes a burst of one
      // user's events within one second, and the limiter's answer would then depend on the lag.
      if (sys.mode !== 'product') return false;
      const nowSec = Math.floor(Date.now() / 1000);
      const to = nowSec + Math.ceil((durationMs + 5000) / 1000);
      const p = sys.redis.pipeline();
      for (const pair of sys.pairs) {
        for (const u of [pair.a.id, pair.b.id]) {
          for (let sec = nowSec - 1; sec <= to; sec++)
            p.set(`rl:ws:typing:start:${u}:${sec}`, '-1000000000', 'EX', to - nowSec + 5);
        }
      }
      await p.exec();
      return true;
    };

    const step = async (sys, rate, durationMs, quiet = false) => {
      const seeded = await seedRateLimit(sys, rate, durationMs);
      const pids = sys.servers.map((s) => s.child.pid);
      const cpu0 = pids.map(cpuMs);
      const io0 = pids.map(ioSyscalls);
      const res = await Promise.all(
        gens.map((g) => g.call({ cmd: 'run', system: sys.name, rate: rate / gens.length, durationMs })),
      );
      const cpu1 = pids.map(cpuMs);
      const io1 = pids.map(ioSyscalls);
      const lat = res.flatMap((r) => r.lat);
      const lag = res.flatMap((r) => r.lag);
      const sent = res.reduce((s, r) => s + r.sent, 0);
      const received = res.reduce((s, r) => s + r.received, 0);
      const errors = {};
      for (const r of res) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      const s = summarize({
        offered: rate,
        sent,
        received,
        errors,
        lat,
        lag,
        sendMs: Math.max(...res.map((r) => r.sendMs)),
        cpuMs: cpu1.reduce((a, b, i) => a + b - cpu0[i], 0),
        syscalls: io1.reduce((a, b, i) => a + b - io0[i], 0),
        seeded,
      });
      if (!quiet)
        log(
          `${sys.name} ${rate}/s: p50 ${s.p50} p99 ${s.p99} ms, lost ${s.lost}, errors ${JSON.stringify(errors)}, send lag p99 ${s.sendLagP99} ms, server CPU ${s.serverCpuMsPer1k} ms/1k, ${s.serverIoSyscallsPerEvent} read/write syscalls/event → ${s.pass ? 'ok' : 'FAIL'}`,
        );
      await sleep(300);
      return { s, lat, lag };
    };
    const summarize = ({ offered, sent, received, errors, lat, lag, sendMs, cpuMs: cpu, syscalls, seeded }) => {
      lat = [...lat].sort((a, b) => a - b);
      lag = [...lag].sort((a, b) => a - b);
      const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
      const s = {
        offered,
        achieved: Math.round(sent / (sendMs / 1000)),
        sent,
        received,
        lost: sent - received - errorCount,
        errors,
        p50: pctMs(lat, 50),
        p90: pctMs(lat, 90),
        p99: pctMs(lat, 99),
        max: lat.length ? lat[lat.length - 1] : null,
        sendLagP99: pctMs(lag, 99),
        serverCpuMsPer1k: sent ? +((cpu / sent) * 1000).toFixed(1) : null,
        // read/write-family system calls of both servers (/proc/<pid>/io syscr + syscw) per event.
        serverIoSyscallsPerEvent: sent ? +(syscalls / sent).toFixed(2) : null,
        ...(seeded ? { rateLimitCountersSeeded: true } : {}),
      };
      s.pass =
        s.lost === 0 && errorCount === 0 && s.p99 !== null && s.p99 <= cfg.p99Limit && s.sendLagP99 <= cfg.p99Limit;
      return s;
    };

    // ---- 1.–3. Latency at 1,000/s and max sustained rate, systems interleaved ------------------
    // The machine is shared and noisy: each measurement runs bare, classic and sharded back to
    // back, so that they see the same background load.
    if (systems.length) {
      for (const sys of systems) await step(sys, 500, 1000, true); // warm-up (JIT, pools)
      const pooled = new Map(systems.map((sys) => [sys.name, []]));
      for (let round = 0; round < cfg.latRounds; round++)
        for (const sys of systems) pooled.get(sys.name).push(await step(sys, cfg.latRate, cfg.latMs));
      for (const sys of systems) {
        const runs = pooled.get(sys.name);
        const merged = summarize({
          offered: cfg.latRate,
          sent: runs.reduce((a, r) => a + r.s.sent, 0),
          received: runs.reduce((a, r) => a + r.s.received, 0),
          errors: Object.assign({}, ...runs.map((r) => r.s.errors)),
          lat: runs.flatMap((r) => r.lat),
          lag: runs.flatMap((r) => r.lag),
          sendMs: runs.reduce((a, r) => a + (r.s.sent / r.s.achieved) * 1000, 0),
          cpuMs: runs.reduce((a, r) => a + (r.s.serverCpuMsPer1k * r.s.sent) / 1000, 0),
          syscalls: runs.reduce((a, r) => a + r.s.serverIoSyscallsPerEvent * r.s.sent, 0),
        });
        sys.result.at1k = { ...merged, rounds: runs.map((r) => ({ p50: r.s.p50, p99: r.s.p99 })) };
        sys.result.steps = [];
        sys.best = 0;
        sys.firstFail = null;
      }
      const attempt = async (sys, rate) => {
        for (let i = 0; ; i++) {
          const { s } = await step(sys, rate, cfg.stepMs);
          sys.result.steps.push(i ? { ...s, retry: i } : s);
          if (s.pass || i >= cfg.retries) return s;
        }
      };
      let active = [...systems];
      for (const rate of cfg.rates) {
        if (!active.length) break;
        for (const sys of active) {
          const s = await attempt(sys, rate);
          if (s.pass) sys.best = rate;
          else sys.firstFail = rate;
        }
        active = active.filter((sys) => sys.firstFail === null);
      }
      // One more step halfway between the last pass and the first failure.
      for (const sys of systems) {
        if (sys.firstFail && sys.best && sys.firstFail - sys.best > 1000) {
          const mid = Math.round((sys.best + sys.firstFail) / 2 / 500) * 500;
          const s = await attempt(sys, mid);
          if (s.pass) sys.best = mid;
          else sys.firstFail = mid;
        }
        sys.result.maxSustained = sys.best;
        sys.result.maxSustainedBound = sys.firstFail ? `< ${sys.firstFail}` : `≥ ${sys.best}, highest step tried`;
        result[sys.name === 'classic' ? 'product' : sys.name] = sys.result;
      }
      await Promise.all(gens.map((g) => g.call({ cmd: 'close' })));
    }

    // ---- 5. Replay (on the classic gateways, or two fresh ones) --------------------------------
    if (cfg.phases.has('replay')) {
      const classic = systems.find((s) => s.name === 'classic');
      const servers = classic?.servers ?? [
        await startGateway(redisUrls.classic),
        await startGateway(redisUrls.classic),
      ];
      if (!classic) for (const s of servers) children.add(s.child);
      result.replay = await replay(servers.map((g) => g.url));
    }
    for (const sys of systems) for (const s of sys.servers) await stopAndForget(s.child);

    // ---- 4. Memory per idle connection, one fresh server each ----------------------------------
    if (cfg.phases.has('memory')) {
      // Diagnostics only: BENCH_MEM_HOLD_MS pauses so that heap snapshots can be taken by hand.
      const hold = async (what) => {
        const ms = Number(process.env.BENCH_MEM_HOLD_MS ?? 0);
        if (!ms) return;
        log(`holding ${ms} ms: ${what}`);
        await sleep(ms);
      };
      const measure = async (label, server, auth) => {
        const pid = server.child.pid;
        const gc = async () => {
          process.kill(pid, 'SIGWINCH');
          await sleep(1000);
        };
        await sleep(1500);
        await gc();
        const rss0 = await rssSettled(pid);
        await hold(`${label} (pid ${pid}) before connecting`);
        const specs = memUsers.map((u) => ({ url: server.url, auth: auth(u) }));
        const conn = await Promise.all(
          gens.map((g, i) =>
            g.call({ cmd: 'idle', specs: specs.filter((_, j) => j % gens.length === i), concurrency: 50 }),
          ),
        );
        const failed = conn.reduce((s, c) => s + c.failed, 0);
        const connected = specs.length - failed;
        await sleep(3000);
        const rssRaw = await rssSettled(pid);
        await gc();
        const rss1 = await rssSettled(pid);
        await hold(`${label} (pid ${pid}) with ${connected} sockets`);
        const out = {
          label,
          sockets: connected,
          failed,
          connectMs: Math.round(Math.max(...conn.map((c) => c.ms))),
          rssBeforeMB: +(rss0 / 1024).toFixed(1),
          rssAfterMB: +(rss1 / 1024).toFixed(1),
          kbPerConnection: connected ? +((rss1 - rss0) / connected).toFixed(2) : null,
          kbPerConnectionBeforeGc: connected ? +((rssRaw - rss0) / connected).toFixed(2) : null,
        };
        log(
          `memory ${label}: ${connected} sockets (${failed} failed) in ${out.connectMs} ms, RSS ${out.rssBeforeMB} → ${out.rssAfterMB} MB = ${out.kbPerConnection} KB/connection after a full GC (${out.kbPerConnectionBeforeGc} before)`,
        );
        await Promise.all(gens.map((g) => g.call({ cmd: 'close' })));
        return out;
      };
      const bare = await startBare();
      const bareMem = await measure('bare socket.io (+ classic Redis adapter, one room per socket)', bare, (u) => ({
        id: u.id,
      }));
      await stopAndForget(bare.child);
      const gw = await startGateway(redisUrls.classic);
      const gwMem = await measure('gateway (authenticated, classic adapter)', gw, (u) => ({ token: u.token }));
      await stopAndForget(gw.child);
      result.memory = { bare: bareMem, gateway: gwMem };
    }

    async function replay(urls) {
      const { io } = require('socket.io-client');
      const publisher = new RealtimePublisher(redis.classic, redisUrls.classic);
      const runs = [];
      for (let run = 0; run < cfg.replayRuns; run++) {
        const marker = (
          await publisher.pushDurable([replayUser.id], 'feed:post-deleted', { postId: randomUUID() })
        ).get(replayUser.id);
        const pushed = [];
        for (let i = 0; i < 1000; i += 100) {
          const ids = await Promise.all(
            Array.from({ length: 100 }, () =>
              publisher.pushDurable([replayUser.id], 'feed:post-deleted', { postId: randomUUID() }),
            ),
          );
          pushed.push(...ids.map((m) => m.get(replayUser.id)));
        }
        const url = urls[run % urls.length];
        const r = await new Promise((resolve, reject) => {
          const seen = [];
          let tConnect = null;
          const t0 = performance.now();
          const socket = io(url, {
            transports: ['websocket'],
            auth: { token: replayUser.token, lastEventId: marker },
            reconnection: false,
            forceNew: true,
          });
          const timer = setTimeout(() => {
            socket.disconnect();
            reject(new Error(`replay timed out with ${seen.length} events`));
          }, 10_000);
          socket.once('connect', () => (tConnect = performance.now()));
          socket.once('connect_error', (err) => reject(err));
          socket.on('sync:required', (p) => reject(new Error(`sync:required ${JSON.stringify(p)}`)));
          socket.on('feed:post-deleted', (p) => {
            seen.push(p.eventId);
            if (seen.length === 1000) {
              const tDone = performance.now();
              // Anything beyond 1,000 within a moment would be a duplicate.
              setTimeout(() => {
                clearTimeout(timer);
                socket.disconnect();
                resolve({
                  fromOpenMs: tDone - t0,
                  fromConnectMs: tConnect ? tDone - tConnect : null,
                  count: seen.length,
                  seen,
                });
              }, 100);
            }
          });
        });
        const expected = [...pushed].sort();
        const sortedUnique = [...new Set(r.seen)].sort();
        const inOrder = r.seen.every((id, i) => i === 0 || id > r.seen[i - 1]);
        const exact =
          r.count === 1000 && sortedUnique.length === 1000 && sortedUnique.every((id, i) => id === expected[i]);
        runs.push({
          fromOpenMs: +r.fromOpenMs.toFixed(1),
          fromConnectMs: r.fromConnectMs === null ? null : +r.fromConnectMs.toFixed(1),
          inOrder,
          exact,
        });
        await sleep(200);
      }
      const open = runs.map((r) => r.fromOpenMs).sort((a, b) => a - b);
      const conn = runs
        .map((r) => r.fromConnectMs)
        .filter((v) => v !== null)
        .sort((a, b) => a - b);
      const out = {
        runs: runs.length,
        events: 1000,
        p50FromOpenMs: pctMs(open, 50),
        maxFromOpenMs: open[open.length - 1],
        p50FromConnectMs: pctMs(conn, 50),
        allInOrderNoGapNoDuplicate: runs.every((r) => r.inOrder && r.exact),
        samplesFromOpenMs: open,
      };
      log(
        `replay 1,000: p50 ${out.p50FromOpenMs} ms from opening the socket (${out.p50FromConnectMs} ms from 'connect'), max ${out.maxFromOpenMs} ms, exact ${out.allInOrderNoGapNoDuplicate}`,
      );
      return out;
    }

    // ---- Summary -----------------------------------------------------------------------------
    result.durationS = +((performance.now() - started) / 1000).toFixed(1);
    result.ratios = ratios(result);
    result.machine.loadavgAtEnd = os.loadavg().map((v) => +v.toFixed(2));
    const json = JSON.stringify(result, null, 2);
    if (process.env.BENCH_JSON_OUT) writeFileSync(process.env.BENCH_JSON_OUT, json);
    console.log(json);
    console.log(markdown(result));
  } finally {
    clearTimeout(hardStop);
    await cleanup();
  }
}

// =============================================================================================
// Helpers
function log(msg) {
  console.error(`[gateway.bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

function assertLocal(url, name) {
  const host = new URL(url).hostname;
  if (host !== HOST) throw new Error(`${name} must point at ${HOST}, not ${host}`);
}

function stopChild(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** read + write system calls made so far by a process (/proc/<pid>/io). */
function ioSyscalls(pid) {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    return Number(/syscr: (\d+)/.exec(io)[1]) + Number(/syscw: (\d+)/.exec(io)[1]);
  } catch {
    return 0;
  }
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

/** Median of five reads, 200 ms apart. */
async function rssSettled(pid) {
  const reads = [];
  for (let i = 0; i < 5; i++) {
    reads.push(rssKb(pid));
    await sleep(200);
  }
  return reads.sort((a, b) => a - b)[2];
}

/** Only for BENCH_REDIS_URL (a shared server): the keys this bench and the gateways write. */
async function deleteBenchKeys(redis) {
  for (const pattern of ['session:*', 'user-sessions:*', 'rm:conv:*', 'rl:ws:*', 'rt:*']) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

function ratios(r) {
  const out = {};
  const product = r.product;
  if (r.bare && product) {
    out.maxRateProductOverBare = r.bare.maxSustained ? +(product.maxSustained / r.bare.maxSustained).toFixed(2) : null;
    out.p99At1kProductOverBare = r.bare.at1k.p99 ? +(product.at1k.p99 / r.bare.at1k.p99).toFixed(2) : null;
    out.goals = {
      maxRate: { goal: '≥ 0.5', met: out.maxRateProductOverBare >= 0.5 },
      p99At1k: { goal: '≤ 2', met: out.p99At1kProductOverBare <= 2 },
    };
  }
  if (r.bare && r.sharded) {
    out.maxRateShardedOverBare = r.bare.maxSustained
      ? +(r.sharded.maxSustained / r.bare.maxSustained).toFixed(2)
      : null;
    out.p99At1kShardedOverBare = r.bare.at1k.p99 ? +(r.sharded.at1k.p99 / r.bare.at1k.p99).toFixed(2) : null;
  }
  if (r.memory) {
    out.memoryGatewayOverBare = +(r.memory.gateway.kbPerConnection / r.memory.bare.kbPerConnection).toFixed(2);
    (out.goals ??= {}).memory = { goal: '≤ 1.5', met: out.memoryGatewayOverBare <= 1.5 };
  }
  if (r.replay)
    (out.goals ??= {}).replay = { goal: '≤ 100 ms', value: r.replay.p50FromOpenMs, met: r.replay.p50FromOpenMs <= 100 };
  return out;
}

function markdown(r) {
  const rows = [];
  const row = (name, t) => {
    if (!t) return;
    rows.push(
      `| ${name} | ${t.at1k.p50} | ${t.at1k.p99} | ${t.maxSustained.toLocaleString('en-US')} (${t.maxSustainedBound}) | ${t.at1k.serverCpuMsPer1k} | ${t.at1k.serverIoSyscallsPerEvent} |`,
    );
  };
  row('bare socket.io + classic Redis adapter', r.bare);
  row('gateway, classic adapter (default)', r.product);
  row('gateway, sharded adapter (dynamic)', r.sharded);
  row(`gateway from BENCH_ALT_DIST (${r.conditions.altDist})`, r.alt);
  let md = `| path | p50 @1k/s (ms) | p99 @1k/s (ms) | max rate at p99 ≤ 50 ms (events/s) | server CPU ms per 1k events @1k/s | server read/write syscalls per event @1k/s |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
  for (const t of [r.bare, r.product, r.sharded, r.alt].filter(Boolean)) {
    md += `\n${t.label} steps: ${t.steps.map((s) => `${s.offered}/s p99 ${s.p99} ms${s.lost ? ` lost ${s.lost}` : ''}${Object.keys(s.errors).length ? ` errors ${JSON.stringify(s.errors)}` : ''} ${s.retry ? ' (retry)' : ''} ${s.pass ? '✓' : '✗'}`).join(' · ')}`;
  }
  if (r.memory) {
    md += `\n\n| idle connections | sockets | RSS before → after, full GC (MB) | KB per connection (after GC) | KB per connection (no GC) |\n|---|---|---|---|---|\n`;
    for (const m of [r.memory.bare, r.memory.gateway])
      md += `| ${m.label} | ${m.sockets} | ${m.rssBeforeMB} → ${m.rssAfterMB} | ${m.kbPerConnection} | ${m.kbPerConnectionBeforeGc} |\n`;
  }
  if (r.replay)
    md += `\nReplay of 1,000 missed events: p50 ${r.replay.p50FromOpenMs} ms from opening the socket (${r.replay.p50FromConnectMs} ms from 'connect'), max ${r.replay.maxFromOpenMs} ms over ${r.replay.runs} runs; in order, no gap, no duplicate: ${r.replay.allInOrderNoGapNoDuplicate}\n`;
  return md;
}
