import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PROFILE_COLUMNS, type ProfileRecord, toProfileRecord } from './profiles.repository';

export interface SearchHit {
  profile: ProfileRecord;
  /** 0: handle equals the query; 1: handle or display name starts with it; 2: contains it anywhere. */
  tier: number;
}

/** Hides anyone with a block either way between them and the viewer. */
const NOT_BLOCKED = `NOT EXISTS (SELECT 1 FROM profiles.blocks b
  WHERE (b.blocker_id = p.user_id AND b.blocked_id = $1) OR (b.blocker_id = $1 AND b.blocked_id = p.user_id))`;

/** `%`, `_` and `\` in the query are literal characters, not patterns. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class ProfileSearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Everyone, by handle (no query). */
  async all(viewerId: string, afterHandle: string | null, limit: number): Promise<SearchHit[]> {
    const rows = await this.dataSource.query<Parameters<typeof toProfileRecord>[0][]>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles.profiles p
       WHERE ($3::text IS NULL OR p.handle > $3) AND ${NOT_BLOCKED}
       ORDER BY p.handle LIMIT $2`,
      [viewerId, limit, afterHandle],
    );
    return rows.map((r) => ({ profile: toProfileRecord(r), tier: 2 }));
  }

  /**
   * Tiers 0 and 1, served by the handle btree and the lower(display_name) pattern index.
   * `q` is lower-case.
   */
  async prefixMatches(
    viewerId: string,
    q: string,
    after: { tier: number; handle: string } | null,
    limit: number,
  ): Promise<SearchHit[]> {
    const rows = await this.dataSource.query<Array<Parameters<typeof toProfileRecord>[0] & { tier: number }>>(
      `SELECT * FROM (
         SELECT ${PROFILE_COLUMNS}, CASE WHEN p.handle = $3 THEN 0 ELSE 1 END AS tier
         FROM profiles.profiles p
         WHERE (p.handle LIKE $4 OR lower(p.display_name) LIKE $4) AND ${NOT_BLOCKED}
       ) s
       WHERE ($5::int IS NULL OR (s.tier, s.handle) > ($5::int, $6::text COLLATE "C"))
       ORDER BY s.tier, s.handle LIMIT $2`,
      [viewerId, limit, q, `${escapeLike(q)}%`, after?.tier ?? null, after?.handle ?? null],
    );
    return rows.map((r) => ({ profile: toProfileRecord(r), tier: r.tier }));
  }

  /** Tier 2: the query anywhere in handle, name, headline or skills (trigram index), prefix matches excluded. */
  async containsMatches(viewerId: string, q: string, afterHandle: string | null, limit: number): Promise<SearchHit[]> {
    const rows = await this.dataSource.query<Parameters<typeof toProfileRecord>[0][]>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles.profiles p
       WHERE p.search_text LIKE $3 AND NOT (p.handle LIKE $4 OR lower(p.display_name) LIKE $4)
         AND ($5::text IS NULL OR p.handle > $5) AND ${NOT_BLOCKED}
       ORDER BY p.handle LIMIT $2`,
      [viewerId, limit, `%${escapeLike(q)}%`, `${escapeLike(q)}%`, afterHandle],
    );
    return rows.map((r) => ({ profile: toProfileRecord(r), tier: 2 }));
  }
}
