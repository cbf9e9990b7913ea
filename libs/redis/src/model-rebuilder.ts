import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

export interface ModelRebuilderOptions {
  /** For the log lines: "<name> rebuilt from PostgreSQL in N ms". */
  name: string;
  /** Held (SET NX PX) by the one process of the fleet that rebuilds. */
  lockKey: string;
  /** True while the model is complete (its ready marker is in Redis). */
  isReady: () => Promise<boolean>;
  /** Loads the whole model from its source of truth and sets the ready marker last. */
  rebuild: () => Promise<void>;
  /** How often the marker is checked; 1 s. */
  intervalMs?: number;
  /** Longest a rebuild may hold the lock before another process may take over; 60 s. */
  lockMs?: number;
}

/**
 * Keeps a Redis model that Redis may lose (it keeps nothing on disk) rebuilt: at start and every
 * `intervalMs`, when the model's ready marker is missing, one process of the fleet (a Redis lock)
 * and one call within it rebuild it. Readers refuse while the marker is missing (fail closed).
 */
export class ModelRebuilder {
  private readonly logger = new Logger('ModelRebuilder');
  private timer?: NodeJS.Timeout;
  private rebuilding = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: ModelRebuilderOptions,
  ) {}

  /** Checks once (awaited: an app starts with its model complete when it can), then on a timer. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** True when this call rebuilt the model. */
  async rebuildIfMissing(): Promise<boolean> {
    if (this.rebuilding || (await this.options.isReady())) return false;
    const locked = await this.redis.set(this.options.lockKey, '1', 'PX', this.options.lockMs ?? 60_000, 'NX');
    if (locked !== 'OK') return false;
    this.rebuilding = true;
    try {
      const started = Date.now();
      await this.options.rebuild();
      this.logger.log(`${this.options.name} rebuilt from PostgreSQL in ${Date.now() - started} ms`);
      return true;
    } finally {
      this.rebuilding = false;
      await this.redis.del(this.options.lockKey);
    }
  }

  private async check(): Promise<void> {
    await this.rebuildIfMissing().catch((err: Error) =>
      this.logger.warn(`${this.options.name} rebuild: ${err.message}`),
    );
  }
}
