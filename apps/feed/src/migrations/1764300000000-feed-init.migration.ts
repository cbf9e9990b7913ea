import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Posts, comments, reactions, notifications, and the feed's read model of users and the social
 * graph (kept from auth and profiles events; never read from their schemas). Graph edges keep
 * `active` + `changed_at` instead of being deleted, so that a redelivered or late event older
 * than the current state is ignored rather than resurrecting an edge.
 */
export class FeedInit1764300000000 implements MigrationInterface {
  name = 'FeedInit1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE feed.users (
      id uuid PRIMARY KEY,
      handle text,
      display_name text,
      -- follows ∪ connections; decides between fan-out on write and merge at read.
      follower_count int NOT NULL DEFAULT 0,
      changed_at timestamptz NOT NULL DEFAULT '-infinity'
    )`);
    await runner.query(`CREATE TABLE feed.follows (
      follower_id uuid NOT NULL,
      followee_id uuid NOT NULL,
      active boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (follower_id, followee_id)
    )`);
    await runner.query(`CREATE INDEX follows_followee ON feed.follows (followee_id, follower_id) WHERE active`);
    // One row per direction, so "connected to X" is a single index probe either way.
    await runner.query(`CREATE TABLE feed.connections (
      user_id uuid NOT NULL,
      other_id uuid NOT NULL,
      active boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, other_id)
    )`);
    await runner.query(`CREATE TABLE feed.blocks (
      blocker_id uuid NOT NULL,
      blocked_id uuid NOT NULL,
      active boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (blocker_id, blocked_id)
    )`);
    await runner.query(`CREATE INDEX blocks_blocked ON feed.blocks (blocked_id, blocker_id) WHERE active`);

    // Millisecond precision: the timeline cache scores by epoch ms, and (created_at, id) is the
    // keyset of every list, so both must agree exactly.
    await runner.query(`CREATE TABLE feed.posts (
      id uuid PRIMARY KEY,
      author_id uuid NOT NULL,
      text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 3000),
      visibility text NOT NULL CHECK (visibility IN ('public', 'connections')),
      idempotency_key text,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
      -- Soft delete: the deletion consumer still needs the visibility to know whom to tell.
      deleted_at timestamptz
    )`);
    await runner.query(
      `CREATE UNIQUE INDEX posts_idempotency ON feed.posts (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX posts_author_time ON feed.posts (author_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
    );

    await runner.query(`CREATE TABLE feed.comments (
      id uuid PRIMARY KEY,
      post_id uuid NOT NULL REFERENCES feed.posts (id) ON DELETE CASCADE,
      author_id uuid NOT NULL,
      text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 1000),
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
    )`);
    await runner.query(`CREATE INDEX comments_post_time ON feed.comments (post_id, created_at, id)`);

    // Counts are computed from these rows, so they are exact under any concurrency.
    await runner.query(`CREATE TABLE feed.reactions (
      post_id uuid NOT NULL REFERENCES feed.posts (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('like', 'celebrate', 'support', 'insightful')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (post_id, user_id)
    )`);

    await runner.query(`CREATE TABLE feed.notifications (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL,
      type text NOT NULL,
      actor_id uuid,
      subject_id uuid,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
      read_at timestamptz
    )`);
    await runner.query(
      `CREATE INDEX notifications_user_time ON feed.notifications (user_id, created_at DESC, id DESC)`,
    );
    await runner.query(`CREATE INDEX notifications_unread ON feed.notifications (user_id) WHERE read_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'notifications',
      'reactions',
      'comments',
      'posts',
      'blocks',
      'connections',
      'follows',
      'users',
    ]) {
      await runner.query(`DROP TABLE feed.${table}`);
    }
  }
}
