import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface StreamGroupStats {
  stream: string;
  group: string;
  /** Entries not yet delivered to the group (XINFO GROUPS `lag`); null when Redis cannot tell. */
  lag: number | null;
  /** Delivered but not acknowledged (being handled, or waiting for a retry). */
  pending: number;
}

export interface OutboxStats {
  /** Committed rows not yet on the stream. */
  pending: number;
  oldestAgeMs: number | null;
}

type Sources = { streams?: () => Promise<StreamGroupStats[]>; outbox?: () => Promise<OutboxStats> };

/**
 * Prometheus metrics of one app's events. Registered in their own registry so that several
 * apps (or test modules) in one process never collide; expose with `registry.metrics()` or merge
 * it into the app's registry (`Registry.merge([...])`).
 */
export class EventsMetrics {
  readonly relayed: Counter<'app'>;
  readonly handled: Counter<'group' | 'event' | 'outcome'>;
  readonly handlerSeconds: Histogram<'group' | 'event'>;
  readonly deliverySeconds: Histogram<'group' | 'event'>;
  private readonly sources: Sources = {};

  constructor(
    readonly registry: Registry = new Registry(),
    app = 'unknown',
  ) {
    const registers = [registry];
    this.relayed = new Counter({
      name: 'plaza_events_relayed_total',
      help: 'Outbox rows appended to the stream',
      labelNames: ['app'],
      registers,
    });
    this.handled = new Counter({
      name: 'plaza_events_handled_total',
      help: 'Stream entries handled, by outcome (processed, duplicate, ignored, failed, dead_lettered)',
      labelNames: ['group', 'event', 'outcome'],
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: 'plaza_events_handler_seconds',
      help: 'Handler transaction time',
      labelNames: ['group', 'event'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.deliverySeconds = new Histogram({
      name: 'plaza_events_delivery_seconds',
      help: 'From the publishing transaction to the handler commit',
      labelNames: ['group', 'event'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const sources = this.sources;
    new Gauge({
      name: 'plaza_events_stream_lag',
      help: 'Entries of the stream not yet delivered to the group',
      labelNames: ['stream', 'group'],
      registers,
      async collect() {
        this.reset();
        for (const s of (await sources.streams?.().catch(() => [])) ?? [])
          if (s.lag !== null) this.set({ stream: s.stream, group: s.group }, s.lag);
      },
    });
    new Gauge({
      name: 'plaza_events_stream_pending',
      help: 'Entries delivered to the group and not yet acknowledged',
      labelNames: ['stream', 'group'],
      registers,
      async collect() {
        this.reset();
        for (const s of (await sources.streams?.().catch(() => [])) ?? [])
          this.set({ stream: s.stream, group: s.group }, s.pending);
      },
    });
    new Gauge({
      name: 'plaza_events_outbox_pending',
      help: 'Committed outbox rows not yet relayed to the stream',
      labelNames: ['app'],
      registers,
      async collect() {
        this.reset();
        const stats = await sources.outbox?.().catch(() => undefined);
        if (stats) this.set({ app }, stats.pending);
      },
    });
  }

  setSources(sources: Sources): void {
    Object.assign(this.sources, sources);
  }
}
