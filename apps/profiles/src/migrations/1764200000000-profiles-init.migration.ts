import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profiles and the social graph. Counters live on the profile row and are changed in the same
 * transaction as the edge, under row locks taken on both profiles in user-id order.
 */
export class ProfilesInit1764200000000 implements MigrationInterface {
  name = 'ProfilesInit1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    // Database-wide; pinned to public so that its operator classes resolve the same for every app.
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    // array_to_string is only STABLE (element output functions); for text[] it is immutable,
    // which the generated search column below requires.
    await runner.query(`CREATE FUNCTION profiles.skills_text(text[]) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$`);
    await runner.query(`CREATE TABLE profiles.profiles (
      user_id uuid PRIMARY KEY,
      -- "C" collation: one btree serves equality, prefix LIKE and keyset ordering.
      handle text COLLATE "C" NOT NULL CHECK (handle ~ '^[a-z0-9_]{3,30}$'),
      display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 80),
      headline text NOT NULL DEFAULT '' CHECK (char_length(headline) <= 160),
      bio text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 2000),
      location text NOT NULL DEFAULT '' CHECK (char_length(location) <= 100),
      skills text[] NOT NULL DEFAULT '{}' CHECK (cardinality(skills) <= 50),
      connection_count int NOT NULL DEFAULT 0 CHECK (connection_count >= 0),
      follower_count int NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
      following_count int NOT NULL DEFAULT 0 CHECK (following_count >= 0),
      -- Created on first sight before user.registered arrived: handle and name are placeholders.
      provisional boolean NOT NULL DEFAULT false,
      -- Field separator \\x1f keeps a query from matching across two fields.
      search_text text GENERATED ALWAYS AS (
        lower(handle || E'\\x1f' || display_name || E'\\x1f' || headline || E'\\x1f' || profiles.skills_text(skills))
      ) STORED,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE UNIQUE INDEX profiles_handle ON profiles.profiles (handle)`);
    await runner.query(
      `CREATE INDEX profiles_display_name_prefix ON profiles.profiles (lower(display_name) text_pattern_ops)`,
    );
    await runner.query(`CREATE INDEX profiles_search_trgm ON profiles.profiles USING gin (search_text gin_trgm_ops)`);

    await runner.query(`CREATE TABLE profiles.connection_requests (
      id uuid PRIMARY KEY,
      from_user_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      to_user_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      status text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn', 'cancelled')),
      created_at timestamptz NOT NULL DEFAULT now(),
      responded_at timestamptz,
      CHECK (from_user_id <> to_user_id)
    )`);
    // At most one pending request per pair, whichever direction.
    await runner.query(`CREATE UNIQUE INDEX connection_requests_one_pending ON profiles.connection_requests
      (LEAST(from_user_id, to_user_id), GREATEST(from_user_id, to_user_id)) WHERE status = 'pending'`);
    await runner.query(`CREATE INDEX connection_requests_incoming ON profiles.connection_requests
      (to_user_id, created_at DESC, id DESC) WHERE status = 'pending'`);
    await runner.query(`CREATE INDEX connection_requests_outgoing ON profiles.connection_requests
      (from_user_id, created_at DESC, id DESC) WHERE status = 'pending'`);

    // Two rows per connection (one per side): listing and second-degree joins read one index.
    await runner.query(`CREATE TABLE profiles.connections (
      user_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      peer_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, peer_id),
      CHECK (user_id <> peer_id)
    )`);
    await runner.query(
      `CREATE INDEX connections_recent ON profiles.connections (user_id, created_at DESC, peer_id DESC)`,
    );

    await runner.query(`CREATE TABLE profiles.follows (
      follower_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      followee_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (follower_id, followee_id),
      CHECK (follower_id <> followee_id)
    )`);
    await runner.query(`CREATE INDEX follows_followee ON profiles.follows (followee_id, created_at DESC, follower_id)`);

    await runner.query(`CREATE TABLE profiles.blocks (
      blocker_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      blocked_id uuid NOT NULL REFERENCES profiles.profiles (user_id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (blocker_id, blocked_id),
      CHECK (blocker_id <> blocked_id)
    )`);
    await runner.query(`CREATE INDEX blocks_blocked ON profiles.blocks (blocked_id, blocker_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['blocks', 'follows', 'connections', 'connection_requests', 'profiles']) {
      await runner.query(`DROP TABLE profiles.${table}`);
    }
    await runner.query(`DROP FUNCTION profiles.skills_text(text[])`);
  }
}
