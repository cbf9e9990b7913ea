import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<Record<string, unknown> | void>;

/** Named readiness checks; any module may add its own (event lag, upstreams, ...). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<{
    ok: boolean;
    checks: Record<string, { status: 'up' | 'down'; error?: string } & Record<string, unknown>>;
  }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const details = await Promise.race([
            check(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
            }),
          ]);
          return [name, { status: 'up' as const, ...(details ?? {}) }] as const;
        } catch (err) {
          return [name, { status: 'down' as const, error: err instanceof Error ? err.message : String(err) }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ok: entries.every(([, r]) => r.status === 'up'), checks: Object.fromEntries(entries) };
  }
}
