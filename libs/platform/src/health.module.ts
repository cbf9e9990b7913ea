import { Inject, Module, type OnModuleInit, Optional } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { REDIS, type Redis } from '@plaza/redis';
import { DataSource } from 'typeorm';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { MetricsController, MetricsRegistry } from './metrics';
import { PostgresHealthIndicator } from './postgres.health';
import { RedisHealthIndicator } from './redis.health';

/** Health checks every app shares (PostgreSQL, pending migrations, Redis) and `/metrics`. */
@Module({
  // Terminus would log every failing probe at error level; the Redis and PostgreSQL clients
  // already log an outage, once per few seconds.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [HealthRegistry, MetricsRegistry, RedisHealthIndicator, PostgresHealthIndicator],
  exports: [HealthRegistry, MetricsRegistry, RedisHealthIndicator, PostgresHealthIndicator],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly redisHealth: RedisHealthIndicator,
    private readonly postgresHealth: PostgresHealthIndicator,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('redis', () => this.redisHealth.isHealthy('redis', this.redis));
    const dataSource = this.dataSource;
    if (!dataSource) return;
    this.registry.register('postgres', () =>
      this.postgresHealth.isHealthy('postgres', () => dataSource.query('SELECT 1')),
    );
    this.registry.register('migrations', () => this.postgresHealth.isMigrated('migrations', dataSource));
  }
}
