import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations, members with their read position, messages, and the read models of the social
 * graph (users, connections, blocks) kept from the auth and profiles events.
 */
export class MessagingInit1764400000000 implements MigrationInterface {
  name = 'MessagingInit1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    // Read models. `changed_at` is the occurredAt of the event that set the row: an older event
    // delivered late (a retry) never overwrites a newer state.
    await runner.query(`CREATE TABLE messaging.users (
      user_id uuid PRIMARY KEY,
      handle text NOT NULL,
      display_name text NOT NULL,
      changed_at timestamptz NOT NULL
    )`);
    // Two rows per pair (one per side), so "is b a connection of a" and "a's connections" read one index.
    await runner.query(`CREATE TABLE messaging.connections (
      user_id uuid NOT NULL,
      peer_id uuid NOT NULL,
      connected boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, peer_id)
    )`);
    await runner.query(`CREATE TABLE messaging.blocks (
      blocker_id uuid NOT NULL,
      blocked_id uuid NOT NULL,
      active boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (blocker_id, blocked_id)
    )`);

    // A direct conversation carries its ordered pair; the unique constraint makes concurrent
    // creations of one pair end in one row (NULLs of groups never conflict).
    await runner.query(`CREATE TABLE messaging.conversations (
      id uuid PRIMARY KEY,
      type text NOT NULL CHECK (type IN ('direct', 'group')),
      title text CHECK (title IS NULL OR char_length(title) BETWEEN 1 AND 100),
      direct_low uuid,
      direct_high uuid,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      -- The seq of the newest message; incremented under the row lock by every send.
      last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
      last_activity_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT conversations_direct_pair UNIQUE (direct_low, direct_high),
      CHECK ((type = 'direct') = (direct_low IS NOT NULL AND direct_high IS NOT NULL)),
      CHECK (direct_low < direct_high)
    )`);
    await runner.query(`CREATE TABLE messaging.conversation_members (
      conversation_id uuid NOT NULL REFERENCES messaging.conversations (id),
      user_id uuid NOT NULL,
      joined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      -- Set when the member left a group; a member who is added again gets it cleared.
      left_at timestamptz,
      last_read_seq bigint NOT NULL DEFAULT 0 CHECK (last_read_seq >= 0),
      PRIMARY KEY (conversation_id, user_id)
    )`);
    await runner.query(
      `CREATE INDEX conversation_members_active_user ON messaging.conversation_members (user_id, conversation_id) WHERE left_at IS NULL`,
    );

    await runner.query(`CREATE TABLE messaging.messages (
      id uuid PRIMARY KEY,
      conversation_id uuid NOT NULL REFERENCES messaging.conversations (id),
      seq bigint NOT NULL CHECK (seq >= 1),
      sender_id uuid NOT NULL,
      text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4000),
      client_msg_id text NOT NULL CHECK (char_length(client_msg_id) BETWEEN 1 AND 64),
      created_at timestamptz NOT NULL,
      CONSTRAINT messages_conversation_seq UNIQUE (conversation_id, seq),
      CONSTRAINT messages_client_msg_id UNIQUE (conversation_id, sender_id, client_msg_id)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['messages', 'conversation_members', 'conversations', 'blocks', 'connections', 'users']) {
      await runner.query(`DROP TABLE messaging.${table}`);
    }
  }
}
