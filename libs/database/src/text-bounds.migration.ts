import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One text column whose CHECK constraint bounds its length in code points. */
export interface TextBound {
  /** Schema-qualified table, e.g. `feed.posts`. */
  table: string;
  column: string;
  /** The constraint's name, kept from the table's first migration so it is replaced, not doubled. */
  constraint: string;
  /** Code points, not user-perceived characters. */
  maxCodePoints: number;
}

/**
 * A migration that replaces each column's length CHECK by `<column> IS NULL OR
 * char_length(<column>) <= maxCodePoints`. Text limits count user-perceived characters
 * (`@plaza/text`, validated in the DTOs) and an emoji may be several code points, so these checks
 * only bound storage (ten code points per allowed character). `name` must be the shipped
 * migration's name (`<Name><13-digit timestamp>`): TypeORM records migrations by it. Forward only:
 * the stricter checks would refuse rows the API now accepts.
 */
export function createTextBoundsMigration(name: string, bounds: readonly TextBound[]): new () => MigrationInterface {
  return class TextBoundsMigration implements MigrationInterface {
    name = name;

    async up(runner: QueryRunner): Promise<void> {
      for (const { table, column, constraint, maxCodePoints } of bounds) {
        await runner.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${constraint}`);
        await runner.query(
          `ALTER TABLE ${table} ADD CONSTRAINT ${constraint} CHECK (${column} IS NULL OR char_length(${column}) <= ${maxCodePoints})`,
        );
      }
    }

    async down(): Promise<void> {
      // Forward only (see above).
    }
  };
}
