import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { PlazaConfig } from '@plaza/config';

export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');

export interface EventsOptions {
  /** This app's name: its outbox relays to the stream `<streamPrefix>:<app>`. */
  app: string;
  /** PostgreSQL schema holding `outbox_events` and `processed_events` (the app's own schema). */
  schema: string;
  /** Consumer group this app reads with; one per subscribing app, shared by its instances. */
  group: string;
  /** Unique per process so that a dead instance's pending entries can be told apart and claimed. */
  consumerName: string;
  streamPrefix: string;
  redisUrl: string;
  /** Run the outbox relay in this process. */
  relay: boolean;
  /** Run consumers in this process (only if something subscribed). */
  consume: boolean;
  /** Handler executions before an entry goes to the dead-letter stream. */
  maxAttempts: number;
  /** Backoff before retry n is retryBaseMs * 2^(n-1), capped at retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** An entry idle this long in another consumer's pending list is presumed abandoned and claimed. */
  claimIdleMs: number;
  /** How often pending lists are scanned for retries and abandoned entries. */
  claimIntervalMs: number;
  /** Approximate cap of each stream (XADD MAXLEN ~). */
  streamMaxLen: number;
  /** Safety poll of the outbox, besides LISTEN/NOTIFY; picks up rows a crash left behind. */
  relayPollMs: number;
  /** Rows per relay transaction and entries per XREADGROUP. */
  batchSize: number;
  blockMs: number;
  /** Entries of one read handled at once; 1 keeps the stream's order within an instance. */
  concurrency: number;
}

export type EventsModuleOptions = Pick<EventsOptions, 'app'> & Partial<Omit<EventsOptions, 'app'>>;

export function defaultConsumerName(app: string): string {
  return `${app}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Explicit options win over the environment (tests use short timeouts and unique prefixes). */
export function resolveEventsOptions(config: PlazaConfig, options: EventsModuleOptions): EventsOptions {
  return {
    schema: options.app,
    group: options.app,
    consumerName: defaultConsumerName(options.app),
    streamPrefix: config.EVENTS_STREAM_PREFIX,
    redisUrl: config.REDIS_URL,
    relay: true,
    consume: true,
    maxAttempts: config.EVENTS_MAX_ATTEMPTS,
    retryBaseMs: config.EVENTS_RETRY_BASE_MS,
    retryMaxMs: config.EVENTS_RETRY_MAX_MS,
    claimIdleMs: config.EVENTS_CLAIM_IDLE_MS,
    claimIntervalMs: Math.min(config.EVENTS_RETRY_BASE_MS, 1000),
    streamMaxLen: config.EVENTS_STREAM_MAXLEN,
    relayPollMs: config.EVENTS_RELAY_POLL_MS,
    batchSize: config.EVENTS_BATCH_SIZE,
    blockMs: 2000,
    concurrency: config.EVENTS_CONCURRENCY,
    ...stripUndefined(options),
    app: options.app,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
