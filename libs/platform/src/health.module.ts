import { Global, Inject, Module, type OnModuleInit, Optional } from '@nestjs/common';
import { REDIS, type Redis } from '@plaza/redis';
import { DataSource } from 'typeorm';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { MetricsController, MetricsRegistry } from './metrics';

/** Health checks every app shares (PostgreSQL, pending migrations, Redis) and `/metrics`. */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [HealthRegistry, MetricsRegistry],
  exports: [HealthRegistry, MetricsRegistry],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('redis', async () => {
      await this.redis.ping();
    });
    const dataSource = this.dataSource;
    if (!dataSource) return;
    this.registry.register('postgres', async () => {
      await dataSource.query('SELECT 1');
    });
    this.registry.register('migrations', async () => {
      if (await dataSource.showMigrations()) throw new Error('pending migrations');
    });
  }
}
