import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { SchemaRegistry, type SupergraphRecord } from '@plaza/graphql';
import { closeRedis, createRedisClient, REDIS, type Redis } from '@plaza/redis';

/** A gateway that missed an announcement (Redis briefly away) still catches up this often. */
const RESYNC_MS = 30_000;
const FIRST_SUPERGRAPH_WAIT_MS = 15_000;

/**
 * The supergraph this gateway serves: the registry's latest accepted one, swapped in live when
 * the registry announces a new one on Redis (no restart).
 */
@Injectable()
export class SupergraphService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SupergraphService.name);
  readonly registry: SchemaRegistry;
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private record: SupergraphRecord | null = null;
  private readonly listeners = new Set<(record: SupergraphRecord) => void>();
  private refreshing?: Promise<void>;

  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    @Inject(REDIS) redis: Redis,
  ) {
    this.registry = new SchemaRegistry({
      databaseUrl: config.DATABASE_URL,
      redis,
      keyPrefix: config.EVENTS_STREAM_PREFIX,
    });
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = createRedisClient(this.config.REDIS_URL, 'gateway-supergraph');
    this.subscriber.on('message', () => void this.refresh());
    await this.subscriber.subscribe(this.registry.channel).catch((err: Error) => {
      this.logger.warn(`cannot subscribe to supergraph announcements: ${err.message}`);
    });
    this.timer = setInterval(() => void this.refresh(), RESYNC_MS).unref();
    await this.refresh();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    if (this.subscriber) await closeRedis(this.subscriber);
    await this.registry.close();
  }

  get current(): SupergraphRecord | null {
    return this.record;
  }

  onChange(listener: (record: SupergraphRecord) => void): void {
    this.listeners.add(listener);
  }

  /** The supergraph SDL; at start-up waits a little for the first subgraph to publish. */
  async supergraphSdl(): Promise<string> {
    const deadline = Date.now() + FIRST_SUPERGRAPH_WAIT_MS;
    while (!this.record && Date.now() < deadline) {
      await this.refresh();
      if (!this.record) await new Promise((r) => setTimeout(r, 250));
    }
    if (!this.record) throw new Error('No supergraph has been published yet');
    return this.record.supergraphSdl;
  }

  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const latest = await this.registry.current();
        if (latest && latest.id !== this.record?.id) {
          this.record = latest;
          this.logger.log(`serving supergraph ${latest.id} (${latest.subgraphs.join(', ')})`);
          for (const listener of this.listeners) listener(latest);
        }
      } catch (err) {
        this.logger.warn(`cannot read the schema registry: ${(err as Error).message}`);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
