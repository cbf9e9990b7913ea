import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { StatementCountingLogger } from './sql-statement.scope';

export interface AppSchemaOptions {
  /** The PostgreSQL schema this app owns; no app reads another app's schema. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export function dataSourceOptions(url: string, poolSize: number, app: AppSchemaOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    schema: app.schema,
    entities: app.entities,
    migrations: app.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Logging stays off; statements are counted per HTTP request (plaza_http_request_sql_statements).
    logger: new StatementCountingLogger(false),
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      // Bounded so that a write during a PostgreSQL outage fails fast instead of hanging; the
      // server gives up first, so a statement the client stopped waiting for never commits later.
      statement_timeout: 10_000,
      query_timeout: 15_000,
      application_name: `plaza-${app.schema}`,
    },
  };
}

/**
 * Creates the schema, then applies pending migrations under an advisory lock so that several
 * instances of one app starting together migrate once.
 */
export async function initializeAppDataSource(options: DataSourceOptions, schema: string): Promise<DataSource> {
  const logger = new Logger('Database');
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`plaza-migrate-${schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length) logger.log(`${schema}: applied ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`plaza-migrate-${schema}`]);
    }
  } finally {
    await runner.release();
  }
  return dataSource;
}
