import { ADMIN_DATABASE_URL } from '@plaza/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.factory';
import { countSqlStatements, type SqlStatementTally } from './sql-statement.scope';

/** Against the local PostgreSQL: what each scope counts, with concurrent scopes on one pool. */
describe('SQL statements counted per unit of work', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions(ADMIN_DATABASE_URL, 4, { schema: 'public', entities: [], migrations: [] }),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('counts every statement of its own async continuations, transaction control included', async () => {
    const tally: SqlStatementTally = { statements: 0 };
    await countSqlStatements(tally, async () => {
      await dataSource.query('SELECT 1');
      // Batched later, as a DataLoader does (process.nextTick / setImmediate keep the scope).
      await new Promise<void>((resolve) => setImmediate(() => void dataSource.query('SELECT 2').then(() => resolve())));
      await dataSource.transaction(async (manager) => {
        await manager.query('SELECT 3');
      });
    });
    // SELECT 1, SELECT 2, START TRANSACTION, SELECT 3, COMMIT.
    expect(tally.statements).toBe(5);
  });

  it('keeps concurrent scopes apart and counts nothing outside any scope', async () => {
    const a: SqlStatementTally = { statements: 0 };
    const b: SqlStatementTally = { statements: 0 };
    const run = (n: number) => Promise.all(Array.from({ length: n }, () => dataSource.query('SELECT pg_sleep(0.01)')));
    await Promise.all([countSqlStatements(a, () => run(3)), countSqlStatements(b, () => run(7)), run(5)]);
    expect([a.statements, b.statements]).toEqual([3, 7]);
  });
});
