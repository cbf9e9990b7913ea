import type { DataSource } from 'typeorm';
import type { ThrottledWarning } from './stream-replies';

const HOUR_MS = 3_600_000;

/**
 * Processed-event rows only need to outlive any redelivery of their entry (a relay re-send, a
 * claim after a crash: minutes). Kept a week, pruned at most once an hour by each instance.
 */
export class ProcessedEventsPruner {
  /** Starts "recent" so that a fleet restarting together does not prune all at once. */
  private lastPrune = Date.now() - Math.random() * HOUR_MS;

  constructor(
    private readonly dataSource: DataSource,
    private readonly processedTable: string,
    private readonly group: string,
    private readonly warning: ThrottledWarning,
  ) {}

  async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < HOUR_MS) return;
    this.lastPrune = Date.now();
    try {
      await this.dataSource.query(
        `DELETE FROM ${this.processedTable} WHERE consumer_group = $1 AND processed_at < now() - interval '7 days'`,
        [this.group],
      );
    } catch (err) {
      this.warning.warn(`pruning processed events failed: ${(err as Error).message}`);
    }
  }
}
