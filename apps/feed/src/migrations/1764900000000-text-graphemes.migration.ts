import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Text limits count user-perceived characters (`@plaza/text`, validated in the DTOs): an emoji
 * may be several code points, so the database's code-point checks only bound storage now (ten
 * code points per allowed character).
 */
export class FeedTextGraphemes1764900000000 implements MigrationInterface {
  name = 'FeedTextGraphemes1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE feed.posts DROP CONSTRAINT IF EXISTS posts_text_check`);
    await runner.query(
      `ALTER TABLE feed.posts ADD CONSTRAINT posts_text_check CHECK (text IS NULL OR char_length(text) <= 30000)`,
    );
    await runner.query(`ALTER TABLE feed.comments DROP CONSTRAINT IF EXISTS comments_text_check`);
    await runner.query(
      `ALTER TABLE feed.comments ADD CONSTRAINT comments_text_check CHECK (text IS NULL OR char_length(text) <= 10000)`,
    );
  }

  async down(): Promise<void> {
    // Forward only: the stricter checks would refuse rows the API now accepts.
  }
}
