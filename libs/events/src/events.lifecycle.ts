import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { HealthRegistry, RedisHealthIndicator } from '@plaza/platform';
import { closeRedis, type Redis } from '@plaza/redis';
import { EventConsumer } from './event-consumer.service';
import { EventsMetrics } from './events.metrics';
import { EVENTS_OPTIONS, type EventsOptions } from './events.options';
import { EVENTS_REDIS, EVENTS_REDIS_READER } from './events.tokens';
import { domainEventsOf } from './on-domain-event.decorator';
import { OutboxRelay } from './outbox-relay.service';

/**
 * Starts relay and consumer once every module is initialised (handlers discovered from
 * `@OnDomainEvent` methods), and on shutdown stops reading, drains the handlers in flight and
 * closes its Redis connections before the data source goes away.
 */
@Injectable()
export class EventsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Events');

  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    @Inject(EVENTS_REDIS) private readonly redis: Redis,
    @Inject(EVENTS_REDIS_READER) private readonly reader: Redis,
    private readonly relay: OutboxRelay,
    private readonly consumer: EventConsumer,
    private readonly metrics: EventsMetrics,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Optional() private readonly health?: HealthRegistry,
    @Optional() private readonly redisHealth?: RedisHealthIndicator,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.discoverHandlers();
    this.metrics.setSources({ streams: () => this.consumer.stats(), outbox: () => this.relay.stats() });
    const { health, redisHealth } = this;
    if (health && redisHealth)
      health.register('events', () => redisHealth.isHealthy('events', this.redis, () => this.stats()));
    if (this.options.relay) await this.relay.start();
    if (this.options.consume) await this.consumer.start();
    const events = this.consumer.subscribedEvents;
    this.logger.log(
      `${this.options.app}: relay ${this.options.relay ? `→ ${this.relay.streamName}` : 'off'}; group ${this.options.group} handles ${events.length ? events.join(', ') : 'nothing'}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Leave a margin of the grace period for the HTTP server and the data source.
    await this.consumer.stop({ drainTimeoutMs: Math.max(1000, this.config.SHUTDOWN_GRACE_MS - 2000) });
    await this.relay.stop();
    await Promise.all([closeRedis(this.redis), closeRedis(this.reader)]);
  }

  /** What readiness shows of the events: lag and pending per stream, and the outbox backlog. */
  private async stats(): Promise<Record<string, unknown>> {
    const [streams, outbox] = await Promise.all([
      this.consumer.stats(),
      this.options.relay ? this.relay.stats() : undefined,
    ]);
    return {
      group: this.options.group,
      consumer: this.options.consumerName,
      streams: Object.fromEntries(streams.map((s) => [s.stream, { lag: s.lag, pending: s.pending }])),
      ...(outbox ? { outbox } : {}),
    };
  }

  private discoverHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const key of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[key];
        for (const name of domainEventsOf(method)) {
          this.consumer.subscribe(
            name,
            (method as (...args: never[]) => unknown).bind(instance) as never,
            `${instance.constructor.name}.${key}`,
          );
        }
      }
    }
  }
}
