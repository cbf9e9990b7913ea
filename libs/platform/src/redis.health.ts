import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from '@plaza/redis';
import { HEALTH_CHECK_TIMEOUT_MS } from './postgres.health';

/** Readiness of a Redis client, and of checks whose data lives in Redis (event streams). */
@Injectable()
export class RedisHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  /**
   * Down at once while `client` is not connected: its offline queue would hold a PING through
   * the reconnect backoff, and a probe must get its 503 in milliseconds. Otherwise up when
   * `probe` (a PING unless given) resolves in time, with what it returns as details.
   */
  async isHealthy(
    key: string,
    client: Redis,
    probe: () => Promise<Record<string, unknown> | void> = async () => {
      await client.ping();
    },
  ): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    if (client.status !== 'ready') return check.down({ message: `Redis connection is ${client.status}` });
    return check.attempt(probe).withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }
}
