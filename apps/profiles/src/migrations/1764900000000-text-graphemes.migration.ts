import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Text limits count user-perceived characters (`@plaza/text`, validated in the DTOs): an emoji
 * may be several code points, so the database's code-point checks only bound storage now (ten
 * code points per allowed character).
 */
export class ProfilesTextGraphemes1764900000000 implements MigrationInterface {
  name = 'ProfilesTextGraphemes1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE profiles.profiles DROP CONSTRAINT IF EXISTS profiles_display_name_check`);
    await runner.query(
      `ALTER TABLE profiles.profiles ADD CONSTRAINT profiles_display_name_check CHECK (display_name IS NULL OR char_length(display_name) <= 800)`,
    );
    await runner.query(`ALTER TABLE profiles.profiles DROP CONSTRAINT IF EXISTS profiles_headline_check`);
    await runner.query(
      `ALTER TABLE profiles.profiles ADD CONSTRAINT profiles_headline_check CHECK (headline IS NULL OR char_length(headline) <= 1600)`,
    );
    await runner.query(`ALTER TABLE profiles.profiles DROP CONSTRAINT IF EXISTS profiles_bio_check`);
    await runner.query(
      `ALTER TABLE profiles.profiles ADD CONSTRAINT profiles_bio_check CHECK (bio IS NULL OR char_length(bio) <= 20000)`,
    );
    await runner.query(`ALTER TABLE profiles.profiles DROP CONSTRAINT IF EXISTS profiles_location_check`);
    await runner.query(
      `ALTER TABLE profiles.profiles ADD CONSTRAINT profiles_location_check CHECK (location IS NULL OR char_length(location) <= 1000)`,
    );
  }

  async down(): Promise<void> {
    // Forward only: the stricter checks would refuse rows the API now accepts.
  }
}
