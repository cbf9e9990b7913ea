import { createServer, connect, type Server, type Socket } from 'node:net';
import {
  apiClient,
  type ApiClient,
  createTestDatabase,
  dropTestDatabase,
  freePort,
  type Platform,
  type PlatformOptions,
  type RedisServer,
  registerMember,
  connectRecording,
  openConversation,
  startPlatform,
  type Member,
  type TestSocket,
} from '@plaza/testing';
import { Client } from 'pg';
import { stopAllLoops, TrafficClient } from './traffic';

/** CI runs scaled-down counts and durations; `RESILIENCE_FULL=1` (npm run test:resilience) runs the full ones. */
export const FULL = process.env.RESILIENCE_FULL === '1';
export const scale = <T>(ci: T, full: T): T => (FULL ? full : ci);

/**
 * A TCP proxy between the apps and PostgreSQL that the test controls. `down()` makes PostgreSQL
 * "unavailable": every open connection is cut and new ones are refused (the port stops listening)
 * until `up()`.
 */
export class PgProxy {
  private server?: Server;
  private readonly open = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(targetUrl: string): Promise<PgProxy> {
    const url = new URL(targetUrl);
    const proxy = new PgProxy(await freePort(), { host: url.hostname, port: Number(url.port || 5432) });
    await proxy.up();
    return proxy;
  }

  /** The same database URL, routed through the proxy. */
  route(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      this.open.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.open.delete(client);
        this.open.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    await this.down();
  }
}

export interface Rig {
  platform: Platform;
  redis: RedisServer;
  pg?: PgProxy;
  databaseUrl: string;
  api: ApiClient[];
  /** Row count of a table, read straight from PostgreSQL (not through the proxy). */
  count(table: string, where?: string): Promise<number>;
  stop(): Promise<void>;
}

export interface RigOptions extends Pick<PlatformOptions, 'gateways' | 'env'> {
  /** Route the apps' PostgreSQL connections through a PgProxy the test can take down. */
  pgProxy?: boolean;
}

/**
 * A platform of its own (every domain app, N gateways) on its own database and its own
 * `redis-server`, so a scenario can break Redis or PostgreSQL without touching the machine's
 * shared services or other suites. `stop()` releases everything started, also after a partial start.
 */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    await stopAllLoops();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const databaseUrl = await createTestDatabase('plaza_resilience');
    cleanups.push(() => dropTestDatabase(databaseUrl));
    let pg: PgProxy | undefined;
    if (options.pgProxy) {
      pg = await PgProxy.start(databaseUrl);
      cleanups.push(() => pg!.stop());
    }
    const platform = await startPlatform({
      databaseUrl: pg ? pg.route(databaseUrl) : databaseUrl,
      ownRedis: true,
      gateways: options.gateways ?? 2,
      env: { DATABASE_POOL_SIZE: '10', ...options.env },
    });
    cleanups.push(() => platform.stop());
    const count = async (table: string, where = 'true') => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const res = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`);
        return Number(res.rows[0].n);
      } finally {
        await client.end();
      }
    };
    return {
      platform,
      redis: platform.redis!,
      pg,
      databaseUrl,
      api: platform.gateways.map((g) => apiClient(g)),
      count,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A rig for the whole suite: started before its tests, stopped after them, once the sockets in
 * `sockets` are closed and the `onStop` callbacks have run. `rig()` is the running rig.
 */
export function useRig(options: RigOptions = {}, setup?: (rig: Rig) => Promise<void>) {
  let rig: Rig | undefined;
  const sockets: TestSocket[] = [];
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    rig = await startRig(options);
    await setup?.(rig);
  }, 90_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const cleanup of cleanups) await cleanup();
    await rig?.stop();
  }, 60_000);
  return {
    rig: (): Rig => {
      if (!rig) throw new Error('the rig did not start');
      return rig;
    },
    sockets,
    onStop: (cleanup: () => unknown) => void cleanups.push(cleanup),
  };
}

/**
 * The scene of the outage suites: Bob follows Alice and listens on the second gateway (a client
 * that keeps its last eventId); `sender` sends Alice's messages to him through the first gateway,
 * `poster` posts as Alice through the second.
 */
export async function aliceAndBobScene(rig: Rig, sockets: TestSocket[]) {
  const [api, api2] = rig.api;
  const [alice, bob] = await members(api, 2);
  expect((await api.put(`/api/follows/${alice.id}`, undefined, { token: bob.token })).status).toBe(204);
  const conversationId = await openConversation(api, alice, [bob.id]);
  const bobLive = await connectRecording(rig.platform.gateways[1], { token: bob.token });
  sockets.push(bobLive.socket);
  return {
    api,
    api2,
    alice,
    bob,
    conversationId,
    bobLive,
    sender: new TrafficClient(api, alice),
    poster: new TrafficClient(api2, { ...alice }),
  };
}

/** Registers n members (profiles created) in parallel batches. */
export async function members(api: ApiClient, n: number, batch = 20): Promise<Member[]> {
  const out: Member[] = [];
  for (let i = 0; i < n; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => registerMember(api)))));
  }
  return out;
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssOf(pid: number | undefined): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kb) * 1024;
}

/** The contract's error shape. */
export function isErrorShape(body: unknown, status: number): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  const message = b.message;
  return (
    b.statusCode === status &&
    typeof b.error === 'string' &&
    (typeof message === 'string' || (Array.isArray(message) && message.every((m) => typeof m === 'string'))) &&
    (b.code === undefined || typeof b.code === 'string')
  );
}

/** Every process of the platform still running (none crashed). */
export function crashed(platform: Platform): string[] {
  return platform.processes.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).map((p) => p.name);
}
