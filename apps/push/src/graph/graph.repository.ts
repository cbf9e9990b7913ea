import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The push app's copy of what it needs from the social graph: display names (push titles) and
 * who blocked whom. Upserts guarded by the event time, so a late or repeated event never moves
 * a row back in time.
 */
@Injectable()
export class GraphRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async upsertUser(manager: EntityManager, userId: string, displayName: string, at: string): Promise<void> {
    await manager.query(
      `INSERT INTO push.users (user_id, display_name, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, changed_at = EXCLUDED.changed_at
       WHERE push.users.changed_at <= EXCLUDED.changed_at`,
      [userId, displayName, at],
    );
  }

  async setBlocked(
    manager: EntityManager,
    blockerId: string,
    blockedId: string,
    active: boolean,
    at: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO push.blocks (blocker_id, blocked_id, active, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET active = EXCLUDED.active, changed_at = EXCLUDED.changed_at
       WHERE push.blocks.changed_at <= EXCLUDED.changed_at`,
      [blockerId, blockedId, active, at],
    );
  }

  /** The pairs `[user, actor]` of `pairs` where either blocked the other. */
  async blockedPairs(pairs: ReadonlyArray<readonly [string, string]>): Promise<Set<string>> {
    if (!pairs.length) return new Set();
    const rows = await this.dataSource.query<Array<{ a: string; b: string }>>(
      `SELECT p.a, p.b FROM unnest($1::uuid[], $2::uuid[]) AS p(a, b)
        WHERE EXISTS (SELECT 1 FROM push.blocks k WHERE k.active
                 AND ((k.blocker_id = p.a AND k.blocked_id = p.b) OR (k.blocker_id = p.b AND k.blocked_id = p.a)))`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    return new Set(rows.map((r) => `${r.a}|${r.b}`));
  }

  async displayNames(userIds: readonly string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const rows = await this.dataSource.query<Array<{ user_id: string; display_name: string | null }>>(
      `SELECT user_id, display_name FROM push.users WHERE user_id = ANY($1::uuid[])`,
      [[...new Set(userIds)]],
    );
    return new Map(rows.flatMap((r) => (r.display_name ? [[r.user_id, r.display_name] as [string, string]] : [])));
  }
}
