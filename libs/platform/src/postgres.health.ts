import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';

/** How long one readiness check may take before it counts as down. */
export const HEALTH_CHECK_TIMEOUT_MS = 2000;

/** Readiness of PostgreSQL: it answers, and (for an app with a schema) no migration is pending. */
@Injectable()
export class PostgresHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  /** Up when `query` (a `SELECT 1` on the app's pool or data source) answers in time. */
  async isHealthy(key: string, query: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    return this.indicators
      .check(key)
      .attempt(async () => {
        await query();
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }

  async isMigrated(key: string, dataSource: DataSource): Promise<HealthIndicatorResult> {
    return this.indicators
      .check(key)
      .attempt(async () => {
        if (await dataSource.showMigrations()) throw new Error('pending migrations');
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }
}
