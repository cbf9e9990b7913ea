import type { MigrationInterface, QueryRunner } from 'typeorm';

/** v2 accounts: verified emails and single-use account tokens (verification, password reset). */
export class AuthAccounts1764900000000 implements MigrationInterface {
  name = 'AuthAccounts1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.users ADD COLUMN email_verified boolean NOT NULL DEFAULT false`);
    // Only the SHA-256 of a token is kept: a read of this table yields nothing usable.
    await q.query(`
      CREATE TABLE auth.account_tokens (
        token_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
        email text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX account_tokens_user_idx ON auth.account_tokens (user_id, purpose)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.account_tokens`);
    await q.query(`ALTER TABLE auth.users DROP COLUMN email_verified`);
  }
}
