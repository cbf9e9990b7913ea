import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { MetricsRegistry } from '@plaza/platform';
import { createRedisClient, type Redis } from '@plaza/redis';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { EventConsumer } from './event-consumer.service';
import { EventsLifecycle } from './events.lifecycle';
import { EventsMetrics } from './events.metrics';
import { EVENTS_OPTIONS, type EventsModuleOptions, type EventsOptions, resolveEventsOptions } from './events.options';
import { EVENTS_REDIS, EVENTS_REDIS_READER } from './events.tokens';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxService } from './outbox.service';

export interface EventsModuleConfig extends EventsModuleOptions {
  /** Where the events metrics are registered; a registry of their own by default. */
  metricsRegistry?: Registry;
}

/**
 * `EventsModule.forApp({ app: 'feed' })` in a domain app: needs the global PLAZA_CONFIG and the
 * app's TypeORM `DataSource` (both provided by `DomainAppModule`). Exports `OutboxService` to
 * publish and `EventConsumer` / `@OnDomainEvent` to subscribe.
 */
@Module({})
export class EventsModule {
  static forApp(config: EventsModuleConfig): DynamicModule {
    const { metricsRegistry, ...options } = config;
    return {
      module: EventsModule,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: EVENTS_OPTIONS,
          inject: [PLAZA_CONFIG],
          useFactory: (plaza: PlazaConfig) => resolveEventsOptions(plaza, options),
        },
        {
          provide: EventsMetrics,
          inject: [EVENTS_OPTIONS, { token: MetricsRegistry, optional: true }],
          // On the app's own /metrics unless the caller gives another registry.
          useFactory: (o: EventsOptions, appMetrics?: MetricsRegistry) =>
            new EventsMetrics(metricsRegistry ?? appMetrics?.registry, o.app),
        },
        {
          provide: EVENTS_REDIS,
          inject: [EVENTS_OPTIONS],
          // Bounded so that a relay pass fails (and is retried) instead of hanging while Redis is away.
          useFactory: (o: EventsOptions) => createRedisClient(o.redisUrl, `${o.app}:events`, { commandTimeout: 5000 }),
        },
        {
          provide: EVENTS_REDIS_READER,
          inject: [EVENTS_OPTIONS],
          // Waits through reconnects rather than failing the blocking read.
          useFactory: (o: EventsOptions) =>
            createRedisClient(o.redisUrl, `${o.app}:events-reader`, { maxRetriesPerRequest: null }),
        },
        { provide: OutboxService, inject: [EVENTS_OPTIONS], useFactory: (o: EventsOptions) => new OutboxService(o) },
        {
          provide: OutboxRelay,
          inject: [DataSource, EVENTS_REDIS, EVENTS_OPTIONS, EventsMetrics],
          useFactory: (ds: DataSource, redis: Redis, o: EventsOptions, m: EventsMetrics) =>
            new OutboxRelay(ds, redis, o, m),
        },
        {
          provide: EventConsumer,
          inject: [DataSource, EVENTS_REDIS, EVENTS_REDIS_READER, EVENTS_OPTIONS, EventsMetrics],
          useFactory: (ds: DataSource, redis: Redis, reader: Redis, o: EventsOptions, m: EventsMetrics) =>
            new EventConsumer(ds, redis, reader, o, m),
        },
        EventsLifecycle,
      ],
      exports: [EVENTS_OPTIONS, OutboxService, EventConsumer, OutboxRelay, EventsMetrics],
    };
  }
}
