// Helpers shared by the launcher scripts (plain Node, no build step needed).
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// `PLAZA_DATA_DIR` moves it (tests use a temporary one).
export const DATA_DIR = process.env.PLAZA_DATA_DIR ?? join(ROOT, '.data');
export const APPS = ['auth', 'profiles', 'feed', 'messaging', 'push', 'gateway'];

export function appMain(app) {
  const file =
    app === 'auth-cli' ? join(ROOT, 'dist/apps/auth/src/cli.js') : join(ROOT, `dist/apps/${app}/src/main.js`);
  if (!existsSync(file)) {
    const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  return file;
}

/** A development secret kept per data directory (`.data/<name>`), so it survives restarts. */
function devSecret(name) {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = join(DATA_DIR, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * Development VAPID keys (Web Push identity) kept per data directory like the JWT secret, so
 * browser subscriptions survive restarts: a P-256 pair as base64url (public: the uncompressed
 * point, private: the scalar), the format `web-push` and `pushManager.subscribe` use.
 */
export function devVapidKeys() {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = join(DATA_DIR, 'vapid-keys.json');
  if (!existsSync(file)) {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = privateKey.export({ format: 'jwk' });
    const point = publicKey.export({ format: 'der', type: 'spki' }).subarray(-65);
    const keys = { publicKey: point.toString('base64url'), privateKey: jwk.d };
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A development JWT secret kept per data directory, so tokens survive restarts. */
export function devJwtSecret() {
  return devSecret('jwt-secret');
}

/** The development INTERNAL_TOKEN (gateway → apps, Prometheus → /metrics), per data directory. */
export function devInternalToken() {
  return devSecret('internal-token');
}

export function tcpReachable(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** PING over RESP: a TCP port that answers is not necessarily Redis. */
export function redisPing(url, timeoutMs = 1000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
    socket.once('error', () => done(false));
  });
}

export function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

export async function waitHttpOk(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) return false;
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

/**
 * The oldest Node that still runs Plaza: 20.19 loads the ESM-only NestJS packages from our
 * CommonJS build with `require`. What Plaza supports is package.json `engines` (README, Node).
 */
export const NODE_RUNS_FROM = '20.19.0';

const versionBelow = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  const i = x.findIndex((n, k) => n !== (y[k] ?? 0));
  return i !== -1 && x[i] < (y[i] ?? 0);
};

/**
 * Refuses a Node older than NODE_RUNS_FROM (exit 1); with `warn`, says once that a Node below the
 * supported floor (`engines`, e.g. `>=22.15`) runs but is not supported.
 */
export function checkNodeVersion({ warn }) {
  const floor = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node.replace(/^>=\s*/, '');
  const current = process.versions.node;
  if (versionBelow(current, NODE_RUNS_FROM)) {
    process.stderr.write(`[plaza] Node ${current} cannot run Plaza: use Node ${floor} or newer (22 or 24 LTS).\n`);
    process.exit(1);
  }
  if (warn && versionBelow(current, floor)) {
    process.stderr.write(
      `[plaza] Node ${current} is below the supported ${floor} (package.json engines; Node 20 reached end of life on 2026-04-30): it runs, but move to Node 22 or 24 LTS.\n`,
    );
  }
}

/** Runs an app; `piped` leaves its stdout/stderr to the caller (pretty logs), else they are ours. */
export function runNode(file, env, name, piped = false) {
  const output = piped ? 'pipe' : 'inherit';
  const child = spawn(process.execPath, [file], { cwd: ROOT, env, stdio: ['ignore', output, output] });
  child.plazaName = name;
  return child;
}

/**
 * The repository's `.env` (when present) under the process environment: what is already set wins.
 * `node:util` parseEnv (Node ≥ 20.12) reads the same syntax as `node --env-file`.
 */
export function loadEnv() {
  const file = join(ROOT, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Where `npm start` writes the embedded PostgreSQL URL, so `npm run cli` and `npm run seed` find it. */
export const EMBEDDED_DATABASE_URL_FILE = join(DATA_DIR, 'database-url');

/** DATABASE_URL, else the URL of the embedded PostgreSQL that `npm start` is running (if any). */
export function databaseUrl(env) {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (existsSync(EMBEDDED_DATABASE_URL_FILE)) return readFileSync(EMBEDDED_DATABASE_URL_FILE, 'utf8').trim();
  return undefined;
}
