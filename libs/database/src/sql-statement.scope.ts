import { AsyncLocalStorage } from 'node:async_hooks';
import { AdvancedConsoleLogger, type QueryRunner } from 'typeorm';

/** The SQL statements sent while one unit of work (an HTTP request) runs. */
export interface SqlStatementTally {
  statements: number;
}

const scope = new AsyncLocalStorage<SqlStatementTally>();

/**
 * Runs `work` with a fresh tally: every statement this process sends to PostgreSQL through
 * TypeORM from `work`'s async continuations (DataLoader batches included) adds 1. Work outside
 * any scope (event consumers, the outbox relay, start-up) is not counted anywhere.
 */
export function countSqlStatements<T>(tally: SqlStatementTally, work: () => T): T {
  return scope.run(tally, work);
}

/**
 * TypeORM's default logger (so logging stays as configured: off), which also counts each
 * statement into the current tally. TypeORM calls `logQuery` for every statement it sends,
 * transaction control included, before sending it.
 */
export class StatementCountingLogger extends AdvancedConsoleLogger {
  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    const tally = scope.getStore();
    if (tally) tally.statements += 1;
    super.logQuery(query, parameters, queryRunner);
  }
}
