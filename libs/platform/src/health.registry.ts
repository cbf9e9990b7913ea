import { Injectable } from '@nestjs/common';
import type { HealthIndicatorFunction } from '@nestjs/terminus';

/**
 * The readiness checks of this process by name; any module adds its own (event lag, the
 * gateway's PostgreSQL pool). `HealthController` runs them all through Terminus.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthIndicatorFunction>();

  register(name: string, check: HealthIndicatorFunction): void {
    this.checks.set(name, check);
  }

  indicators(): HealthIndicatorFunction[] {
    return [...this.checks.values()];
  }
}
