import type { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL's "deadlock detected" and "could not serialize access": the transaction may simply be run again. */
const RETRYABLE = new Set(['40P01', '40001']);

export function isRetryableTransactionError(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * `dataSource.transaction(work)`, run again (up to `attempts` times in all) when PostgreSQL chose
 * it as a deadlock victim or refused to serialise it. `work` must be safe to repeat: everything
 * it wrote was rolled back, so only side effects outside the transaction need care.
 */
export async function transactionWithRetry<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (err) {
      if (attempt >= attempts || !isRetryableTransactionError(err)) throw err;
    }
  }
}
