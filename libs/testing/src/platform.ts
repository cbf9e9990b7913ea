import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports';
import { type RedisServer, startRedisServer } from './redis-server';
import { createTestDatabase, dropTestDatabase } from './test-database';

export type AppName = 'gateway' | 'auth' | 'profiles' | 'feed' | 'messaging' | 'push';
export const DOMAIN_APPS: AppName[] = ['auth', 'profiles', 'feed', 'messaging', 'push'];

const ROOT = join(__dirname, '..', '..', '..');

/** The INTERNAL_TOKEN test platforms run with (gateway → apps; `/metrics`); see `internalClient`. */
export const TEST_INTERNAL_TOKEN = 'test-internal-token-that-is-long-enough-0123456789';

export interface RunningProcess {
  app: AppName;
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  output: string[];
}

export interface Platform {
  env: Record<string, string>;
  /** Base URLs (`http://127.0.0.1:port`) of the gateways, in start order. */
  gateways: string[];
  apps: Record<string, RunningProcess>;
  processes: RunningProcess[];
  /** Starts another gateway against the same apps, Redis and database. */
  addGateway(extraEnv?: Record<string, string>): Promise<RunningProcess>;
  /** SIGKILL (or SIGTERM) one process, e.g. `gateway-1` or `auth`. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  restart(name: string): Promise<RunningProcess>;
  /** The platform's own `redis-server` when started with `ownRedis` (a test may kill and restart it). */
  redis?: RedisServer;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Defaults to 2, as the contract says gateways run as several instances. */
  gateways?: number;
  apps?: AppName[];
  env?: Record<string, string>;
  databaseUrl?: string;
  redisUrl?: string;
  /**
   * A `redis-server` of its own, started before the apps and stopped with the platform: for suites
   * that break Redis, or whose Redis-held counters (rate limits per IP) the run's other suites must
   * not spend. Wins over `redisUrl`.
   */
  ownRedis?: boolean;
}

export function mainFile(app: AppName): string {
  const file = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return file;
}

/** A fresh VAPID pair (base64url, as `web-push` takes it) unless the environment sets one. */
function testVapidKeys(): Record<string, string> {
  if (process.env.VAPID_PUBLIC_KEY && process.env.VAPID_PRIVATE_KEY)
    return { VAPID_PUBLIC_KEY: process.env.VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: process.env.VAPID_PRIVATE_KEY };
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    VAPID_PUBLIC_KEY: publicKey.export({ format: 'der', type: 'spki' }).subarray(-65).toString('base64url'),
    VAPID_PRIVATE_KEY: privateKey.export({ format: 'jwk' }).d!,
  };
}

async function waitReady(
  proc: RunningProcess,
  timeoutMs = Number(process.env.PLAZA_READY_TIMEOUT_MS ?? 90_000),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited with ${proc.child.exitCode}:\n${proc.output.join('').slice(-4000)}`);
    }
    try {
      const res = await fetch(`${proc.url}/health/ready`);
      // Only this app's answer counts, not another process that happens to hold the port.
      if (res.status === 200 && res.headers.get('x-served-by') === proc.app) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} not ready after ${timeoutMs} ms:\n${proc.output.join('').slice(-4000)}`);
}

function spawnApp(app: AppName, name: string, port: number, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [mainFile(app)], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: process.env.PLAZA_TEST_LOG_LEVEL ?? env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
    if (process.env.PLAZA_TEST_ECHO) process.stderr.write(`[${name}] ${chunk.toString()}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { app, name, url: `http://127.0.0.1:${port}`, port, child, output };
}

async function stopProcess(proc: RunningProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
    proc.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.child.kill(signal);
  });
}

/**
 * Starts the real platform as processes: every domain app and N gateways on free ports, against
 * a database of its own (unless `databaseUrl` is given) and `REDIS_URL`'s Redis (or, with `ownRedis`,
 * a `redis-server` of its own). Used by the platform e2e suites.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const apps = options.apps ?? DOMAIN_APPS;
  // Without an explicit database a platform gets one of its own, and event streams of its own:
  // its outbox relays and consumer groups must never take another platform's events.
  const ownDatabase = options.databaseUrl ? undefined : await createTestDatabase('plaza_platform');
  const databaseUrl = options.databaseUrl ?? ownDatabase!;
  const ownRedis = options.ownRedis
    ? await startRedisServer().catch(async (err: unknown) => {
        if (ownDatabase) await dropTestDatabase(ownDatabase);
        throw err;
      })
    : undefined;
  const ports: Record<string, number> = {};
  for (const app of DOMAIN_APPS) ports[app] = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: ownRedis?.url ?? options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    JWT_SECRET: process.env.JWT_SECRET ?? 'test-secret-that-is-long-enough-for-hs256-0123456789',
    INTERNAL_TOKEN: process.env.INTERNAL_TOKEN ?? TEST_INTERNAL_TOKEN,
    AUTH_PORT: String(ports.auth),
    PROFILES_PORT: String(ports.profiles),
    FEED_PORT: String(ports.feed),
    MESSAGING_PORT: String(ports.messaging),
    PUSH_PORT: String(ports.push),
    ...testVapidKeys(),
    ALLOWED_ORIGINS: 'http://localhost:3000,https://app.plaza.test',
    REGISTER_RATE_LIMIT: '100000',
    LOGIN_RATE_LIMIT: '100000',
    API_RATE_LIMIT: '1000000',
    ...(ownDatabase ? { EVENTS_STREAM_PREFIX: `plaza:events:${new URL(ownDatabase).pathname.slice(1)}` } : {}),
    ...options.env,
  };
  const processes: RunningProcess[] = [];
  const byName: Record<string, RunningProcess> = {};
  const appEnv = new Map<string, { app: AppName; env: Record<string, string> }>();

  const launch = async (app: AppName, name: string, port: number, extra: Record<string, string> = {}) => {
    const procEnv = { ...env, ...extra };
    appEnv.set(name, { app, env: procEnv });
    const proc = spawnApp(app, name, port, procEnv);
    processes.push(proc);
    byName[name] = proc;
    await waitReady(proc);
    return proc;
  };

  let gatewayCount = 0;
  const addGateway = async (extra: Record<string, string> = {}) => {
    const port = await freePort();
    gatewayCount += 1;
    const proc = await launch('gateway', `gateway-${gatewayCount}`, port, { GATEWAY_PORT: String(port), ...extra });
    platform.gateways.push(proc.url);
    return proc;
  };

  const platform: Platform = {
    env,
    gateways: [],
    apps: byName,
    processes,
    addGateway,
    redis: ownRedis,
    async kill(name, signal = 'SIGKILL') {
      const proc = byName[name];
      if (!proc) throw new Error(`no process ${name}`);
      await stopProcess(proc, signal);
    },
    async restart(name) {
      const proc = byName[name];
      const spec = appEnv.get(name);
      if (!proc || !spec) throw new Error(`no process ${name}`);
      await stopProcess(proc);
      processes.splice(processes.indexOf(proc), 1);
      return launch(spec.app, name, proc.port, spec.env);
    },
    async stop() {
      await Promise.all(processes.map((p) => stopProcess(p)));
      if (ownDatabase) await dropTestDatabase(ownDatabase);
      await ownRedis?.stop();
    },
  };

  try {
    // Domain apps first (the gateway's readiness does not depend on them, but tests do).
    await Promise.all(apps.map((app) => launch(app, app, ports[app])));
    for (let i = 0; i < (options.gateways ?? 2); i++) await addGateway();
  } catch (err) {
    await platform.stop();
    throw err;
  }
  return platform;
}
