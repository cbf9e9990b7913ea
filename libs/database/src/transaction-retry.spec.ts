import type { DataSource, EntityManager } from 'typeorm';
import { isRetryableTransactionError, transactionWithRetry } from './transaction-retry';

/** An Error carrying PostgreSQL's SQLSTATE, as the pg driver and TypeORM's QueryFailedError do. */
const pgError = (fields: { code?: string; driverError?: { code: string } }): Error =>
  Object.assign(new Error('query failed'), fields);

/** A DataSource whose transaction fails with the given errors, one per call, then runs the work. */
const failing = (...errors: Error[]): { dataSource: DataSource; calls: () => number } => {
  let calls = 0;
  const dataSource = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      const err = errors[calls++];
      if (err) throw err;
      return work({} as EntityManager);
    },
  } as unknown as DataSource;
  return { dataSource, calls: () => calls };
};

describe('transactionWithRetry', () => {
  it('runs a deadlock victim again and returns its result', async () => {
    const { dataSource, calls } = failing(pgError({ code: '40P01' }), pgError({ driverError: { code: '40001' } }));
    await expect(transactionWithRetry(dataSource, async () => 'done')).resolves.toBe('done');
    expect(calls()).toBe(3);
  });

  it('gives up after the attempts and passes any other error straight through', async () => {
    const deadlocks = failing(pgError({ code: '40P01' }), pgError({ code: '40P01' }), pgError({ code: '40P01' }));
    await expect(transactionWithRetry(deadlocks.dataSource, async () => 'x')).rejects.toMatchObject({ code: '40P01' });
    expect(deadlocks.calls()).toBe(3);
    const unique = failing(pgError({ code: '23505' }));
    await expect(transactionWithRetry(unique.dataSource, async () => 'x')).rejects.toMatchObject({ code: '23505' });
    expect(unique.calls()).toBe(1);
    expect(isRetryableTransactionError(new Error('x'))).toBe(false);
  });
});
