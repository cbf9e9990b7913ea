export { type AppSchemaOptions, dataSourceOptions, initializeAppDataSource } from './data-source.factory';
export { DatabaseModule } from './database.module';
export { countSqlStatements, type SqlStatementTally, StatementCountingLogger } from './sql-statement.scope';
export { createTextBoundsMigration, type TextBound } from './text-bounds.migration';
export { isRetryableTransactionError, transactionWithRetry } from './transaction-retry';
export { rowsOf } from './query-rows';
