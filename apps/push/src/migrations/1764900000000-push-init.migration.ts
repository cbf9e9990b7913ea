import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscriptions (Web Push endpoints and FCM tokens), per-user settings, the push app's read model
 * of display names (kept from auth and profiles events) and the queue of pending deliveries.
 */
export class PushInit1764900000000 implements MigrationInterface {
  name = 'PushInit1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE push.subscriptions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL,
      -- The session that made it: signing that session out ends the subscription (null: OIDC token).
      session_id text,
      kind text NOT NULL CHECK (kind IN ('webpush', 'fcm')),
      endpoint text UNIQUE,
      p256dh text,
      auth text,
      fcm_token text UNIQUE,
      platform text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE INDEX subscriptions_user ON push.subscriptions (user_id)`);
    await runner.query(`CREATE TABLE push.settings (
      user_id uuid PRIMARY KEY,
      previews boolean NOT NULL DEFAULT true
    )`);
    await runner.query(`CREATE TABLE push.users (
      user_id uuid PRIMARY KEY,
      display_name text,
      changed_at timestamptz NOT NULL
    )`);
    // One pending push per subscription and topic (conversation): a burst collapses into the row.
    // A claimed row (being sent) leaves the partial unique index, so a newer event queues anew.
    await runner.query(`CREATE TABLE push.deliveries (
      id bigserial PRIMARY KEY,
      subscription_id uuid NOT NULL REFERENCES push.subscriptions (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      topic text NOT NULL,
      type text NOT NULL,
      event_id uuid NOT NULL,
      actor_id uuid,
      content jsonb NOT NULL,
      events int NOT NULL DEFAULT 1,
      attempts int NOT NULL DEFAULT 0,
      due_at timestamptz NOT NULL,
      claimed_until timestamptz,
      -- Gateways that held the user's sockets when the push was held back (recheck once they die).
      held_by text[],
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(
      `CREATE UNIQUE INDEX deliveries_pending ON push.deliveries (subscription_id, topic) WHERE claimed_until IS NULL`,
    );
    await runner.query(`CREATE INDEX deliveries_due ON push.deliveries (due_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE push.deliveries`);
    await runner.query(`DROP TABLE push.users`);
    await runner.query(`DROP TABLE push.settings`);
    await runner.query(`DROP TABLE push.subscriptions`);
  }
}
