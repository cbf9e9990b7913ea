import { Controller, Get, Header, Inject, Injectable } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process, holding default process metrics and an HTTP latency
 * histogram by route. Libraries with their own registries (events) add theirs with `include`.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** SQL statements one request sent (its `_sum` over `_count` is the mean per request of a route). */
  readonly httpSqlStatements: Histogram<'method' | 'route'>;
  private readonly extra: Registry[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'plaza_' });
    this.httpDuration = new Histogram({
      name: 'plaza_http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.httpSqlStatements = new Histogram({
      name: 'plaza_http_request_sql_statements',
      help: 'SQL statements sent to PostgreSQL per HTTP request, by route (transaction control included)',
      labelNames: ['method', 'route'],
      buckets: [0, 1, 2, 4, 8, 16, 32, 64],
      registers: [this.registry],
    });
  }

  include(registry: Registry): void {
    if (!this.extra.includes(registry)) this.extra.push(registry);
  }

  async text(): Promise<string> {
    if (!this.extra.length) return this.registry.metrics();
    return Registry.merge([this.registry, ...this.extra]).metrics();
  }
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsRegistry) private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.text();
  }
}
