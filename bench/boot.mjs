// What the benches share to boot what they measure: a database of their own on the local
// PostgreSQL, free ports, and Plaza apps started from dist/ as `npm start` runs them.
// Not a bench itself (run.mjs runs only *.bench.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
// BENCH_DIST: a copy of dist/ inside the repository (so that node_modules resolve), for A/B runs.
const dist = new URL(`../${process.env.BENCH_DIST ?? 'dist'}/`, import.meta.url).pathname;

export const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function admin(sql) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database `plaza_bench_<tag>_<pid>_<time>` on ADMIN_URL's server: `{ name, url }`. */
export async function createDatabase(tag) {
  const name = `plaza_bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops it even while connections remain (a bench that failed half-way). */
export function dropDatabase(name) {
  return admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** A TCP port free on `host` right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`). */
export function stopChild(child, timeoutMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts `dist/apps/<app>/src/main.js` with `env` and resolves with the child once
 * `http://127.0.0.1:<port>/health/ready` answers 200. Its output is kept and shown only when it
 * exits or is not ready within `timeoutMs` (then it is killed and the promise rejects);
 * `inherit: true` passes it through instead. `children` gets the child as soon as it is spawned,
 * so a caller can stop everything it started even while another start is still pending;
 * `nodeArgs` go to node before the script (e.g. `--cpu-prof`).
 */
export async function startApp(app, { env, port, timeoutMs = 90_000, inherit = false, children = [], nodeArgs = [] }) {
  const output = [];
  const child = spawn(process.execPath, [...nodeArgs, `${dist}apps/${app}/src/main.js`], {
    env,
    stdio: ['ignore', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe'],
  });
  children.push(child);
  if (!inherit) {
    child.stdout.on('data', (c) => output.push(c.toString()));
    child.stderr.on('data', (c) => output.push(c.toString()));
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited: ${output.join('').slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} not ready after ${timeoutMs} ms: ${output.join('').slice(-2000)}`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return child;
    await sleep(100);
  }
}

/**
 * `apps` (domain apps, started together) and then one gateway, on free ports, against
 * `databaseUrl` and `redisUrl`, in production mode with warnings only and rate limits out of
 * the way; `env` adds to or overrides that; `nodeArgs` as for startApp. Resolves
 * `{ gateway: <base URL>, urls: { <app>: <base URL> }, stop() }`.
 */
export async function startPlatform({ databaseUrl, redisUrl, apps, env: extra = {}, nodeArgs = [] }) {
  const ports = {};
  for (const app of ['auth', 'profiles', 'feed', 'messaging', 'push', 'gateway']) ports[app] = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_TOKEN: randomBytes(32).toString('hex'),
    AUTH_PORT: String(ports.auth),
    PROFILES_PORT: String(ports.profiles),
    FEED_PORT: String(ports.feed),
    MESSAGING_PORT: String(ports.messaging),
    PUSH_PORT: String(ports.push),
    GATEWAY_PORT: String(ports.gateway),
    REGISTER_RATE_LIMIT: '1000000',
    API_RATE_LIMIT: '100000000',
    ...extra,
  };
  const children = [];
  const stop = () => Promise.all(children.map((c) => stopChild(c)));
  const start = (app) => startApp(app, { env, port: ports[app], children, nodeArgs });
  try {
    await Promise.all(apps.map(start));
    await start('gateway');
  } catch (err) {
    await stop();
    throw err;
  }
  const urls = Object.fromEntries(apps.map((app) => [app, `http://127.0.0.1:${ports[app]}`]));
  return { gateway: `http://127.0.0.1:${ports.gateway}`, urls, stop };
}

/** Polls `check` every 100 ms until it is truthy; throws `<what>: not ready` after `timeoutMs`. */
export async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

/** Resolves when the child has exited, SIGKILLing it after `timeoutMs` (sends nothing before). */
export function exited(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A tiny request/response layer over a forked child's IPC channel (the load generators). */
export function rpc(child) {
  let seq = 0;
  const waiting = new Map();
  child.on('message', (msg) => {
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.ok) w.resolve(msg);
    else w.reject(new Error(msg.error));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`load generator exited ${code}`));
    waiting.clear();
  });
  return {
    call(msg) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ ...msg, id });
      });
    },
  };
}
