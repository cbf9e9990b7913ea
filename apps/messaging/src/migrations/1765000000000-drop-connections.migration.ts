import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messaging's connections read model was written and never read: creating a conversation checks
 * connections in the safety graph (written by profiles before its answer), which is what makes
 * a removed connection count at once.
 */
export class MessagingDropConnections1765000000000 implements MigrationInterface {
  name = 'MessagingDropConnections1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS messaging.connections`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE messaging.connections (
      user_id uuid NOT NULL,
      peer_id uuid NOT NULL,
      connected boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, peer_id)
    )`);
  }
}
