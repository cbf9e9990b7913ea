import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuthInit1764100000000 implements MigrationInterface {
  name = 'AuthInit1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.users (
        id uuid PRIMARY KEY,
        email text,
        handle text NOT NULL,
        display_name text NOT NULL,
        password_hash text,
        roles text[] NOT NULL DEFAULT '{user}',
        suspended boolean NOT NULL DEFAULT false,
        oidc_issuer text,
        oidc_subject text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['user', 'moderator', 'admin']::text[]),
        CONSTRAINT users_email_lower CHECK (email = lower(email)),
        CONSTRAINT users_handle_format CHECK (handle ~ '^[a-z0-9_]{3,30}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON auth.users (email)`);
    await q.query(`CREATE UNIQUE INDEX users_handle_key ON auth.users (handle)`);
    await q.query(
      `CREATE UNIQUE INDEX users_oidc_key ON auth.users (oidc_issuer, oidc_subject) WHERE oidc_issuer IS NOT NULL`,
    );
    await q.query(`CREATE INDEX users_created_idx ON auth.users (created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE auth.audit_log (
        seq bigserial NOT NULL UNIQUE,
        id uuid PRIMARY KEY,
        actor_id uuid,
        action text NOT NULL,
        target_id text,
        before jsonb,
        after jsonb,
        ip text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // The audit log is append-only whatever the caller: the database itself refuses changes.
    await q.query(`
      CREATE FUNCTION auth.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'auth.audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON auth.audit_log
      FOR EACH ROW EXECUTE FUNCTION auth.audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON auth.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION auth.audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.audit_log`);
    await q.query(`DROP FUNCTION auth.audit_log_append_only()`);
    await q.query(`DROP TABLE auth.users`);
  }
}
