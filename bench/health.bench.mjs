// Readiness latency (BENCHMARKS.md, "Health (Terminus)"): BENCH_REQUESTS (BENCH_OUTAGE_REQUESTS) sequential
// `GET /health/ready` on feed (checks redis, postgres, migrations, events) and on a gateway (redis,
// postgres), first healthy (200), then with their Redis SIGKILLed (503 naming redis): a probe
// must get its answer fast in both cases. Uses a `redis-server` of its own (it is killed) and a
// database of its own on the local PostgreSQL. Runs against dist/ (npm run build).
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createDatabase, dropDatabase, freePort, sleep, startPlatform, waitFor } from './boot.mjs';
import { summary } from './stats.mjs';

const N = Number(process.env.BENCH_REQUESTS ?? 2000);
// Fewer while Redis is down: before Terminus each of those answers took over a second.
const OUTAGE_N = Number(process.env.BENCH_OUTAGE_REQUESTS ?? 100);

async function startRedis(port) {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const listening = () =>
    new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(!!socket.end()));
      socket.on('error', () => resolve(false));
    });
  await waitFor(listening, 5000, 'redis-server');
  return child;
}

/** `n` sequential readiness calls after n/10 warm-up calls; every answer must have `status`. */
async function measure(url, status, n) {
  const call = async () => {
    const res = await fetch(`${url}/health/ready`);
    await res.arrayBuffer();
    if (res.status !== status) throw new Error(`${url}: ${res.status}, expected ${status}`);
  };
  for (let i = 0; i < n / 10; i++) await call();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  return summary(times);
}

const redisPort = await freePort();
let redis = await startRedis(redisPort);
const db = await createDatabase('health');
let platform;
try {
  platform = await startPlatform({
    databaseUrl: db.url,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    apps: ['auth', 'profiles', 'feed'],
  });
  const targets = { feed: platform.urls.feed, gateway: platform.gateway };
  const rows = [];
  for (const [name, url] of Object.entries(targets))
    rows.push({ case: `${name}, healthy (200)`, ...(await measure(url, 200, N)) });
  redis.kill('SIGKILL');
  await new Promise((r) => redis.once('exit', r));
  for (const [name, url] of Object.entries(targets)) {
    await waitFor(() => fetch(`${url}/health/ready`).then((r) => r.status === 503), 10_000, `${name} 503`);
    rows.push({ case: `${name}, Redis down (503)`, ...(await measure(url, 503, OUTAGE_N)) });
  }
  redis = await startRedis(redisPort);
  console.log(
    `load average ${loadavg()[0].toFixed(1)}; ${N} sequential requests per healthy row, ${OUTAGE_N} per outage row (ms)`,
  );
  console.table(rows);
} finally {
  await platform?.stop();
  redis.kill('SIGKILL');
  await sleep(100);
  await dropDatabase(db.name);
}
