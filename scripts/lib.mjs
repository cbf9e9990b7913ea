// Helpers shared by the launcher scripts (plain Node, no build step needed).
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA_DIR = join(ROOT, '.data');
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

/** A development JWT secret kept per data directory, so tokens survive restarts. */
export function devJwtSecret() {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = join(DATA_DIR, 'jwt-secret');
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
