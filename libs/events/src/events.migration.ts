import type { MigrationInterface, QueryRunner } from 'typeorm';

/** LISTEN channel the relay waits on; NOTIFY is delivered only when the inserting transaction commits. */
export const outboxChannel = (schema: string): string => `plaza_outbox_${schema}`;

/**
 * The tables of `@plaza/events` in an app's schema. Add `createEventsMigration('<schema>')` to the
 * app's migrations list; the name is fixed so that it is recorded once per schema.
 */
export function createEventsMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class EventsOutbox1764000000000 implements MigrationInterface {
    name = 'EventsOutbox1764000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE TABLE ${s}.outbox_events (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        name text NOT NULL,
        version int NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
      await runner.query(`CREATE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${outboxChannel(schema)}', ''); RETURN NULL; END $$`);
      // Per statement: one wake-up per publishing transaction is enough (PostgreSQL also folds duplicates).
      await runner.query(`CREATE TRIGGER outbox_events_notify AFTER INSERT ON ${s}.outbox_events
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`);
      await runner.query(`CREATE TABLE ${s}.processed_events (
        consumer_group text NOT NULL,
        event_id uuid NOT NULL,
        event_name text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
      await runner.query(`CREATE INDEX processed_events_processed_at ON ${s}.processed_events (processed_at)`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${s}.processed_events`);
      await runner.query(`DROP TABLE ${s}.outbox_events`);
      await runner.query(`DROP FUNCTION ${s}.outbox_notify()`);
    }
  };
}
