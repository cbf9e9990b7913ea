import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { HealthRegistry, PostgresHealthIndicator } from '@plaza/platform';
import { Pool } from 'pg';

/** The gateway owns no schema, but its readiness still says whether PostgreSQL answers. */
@Injectable()
export class PostgresProbe implements OnModuleInit, OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(
    @Inject(PLAZA_CONFIG) config: PlazaConfig,
    private readonly registry: HealthRegistry,
    private readonly postgresHealth: PostgresHealthIndicator,
  ) {
    this.pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: 1,
      connectionTimeoutMillis: 1500,
      idleTimeoutMillis: 10_000,
    });
    this.pool.on('error', () => undefined);
  }

  onModuleInit(): void {
    this.registry.register('postgres', () =>
      this.postgresHealth.isHealthy('postgres', () => this.pool.query('SELECT 1')),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
