import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Text limits count user-perceived characters (`@plaza/text`, validated in the DTOs): an emoji
 * may be several code points, so the database's code-point checks only bound storage now (ten
 * code points per allowed character).
 */
export class MessagingTextGraphemes1764900000000 implements MigrationInterface {
  name = 'MessagingTextGraphemes1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE messaging.messages DROP CONSTRAINT IF EXISTS messages_text_check`);
    await runner.query(
      `ALTER TABLE messaging.messages ADD CONSTRAINT messages_text_check CHECK (text IS NULL OR char_length(text) <= 40000)`,
    );
    await runner.query(`ALTER TABLE messaging.conversations DROP CONSTRAINT IF EXISTS conversations_title_check`);
    await runner.query(
      `ALTER TABLE messaging.conversations ADD CONSTRAINT conversations_title_check CHECK (title IS NULL OR char_length(title) <= 1000)`,
    );
  }

  async down(): Promise<void> {
    // Forward only: the stricter checks would refuse rows the API now accepts.
  }
}
