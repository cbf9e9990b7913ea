import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The push app's copy of display names (push titles), from auth and profiles events. Upserts
 * guarded by the event time, so a late or repeated event never moves a row back in time. Blocks
 * are read from the safety graph at delivery instead (see PushDispatcher.blockedRows).
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

  async displayNames(userIds: readonly string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const rows = await this.dataSource.query<Array<{ user_id: string; display_name: string | null }>>(
      `SELECT user_id, display_name FROM push.users WHERE user_id = ANY($1::uuid[])`,
      [[...new Set(userIds)]],
    );
    return new Map(rows.flatMap((r) => (r.display_name ? [[r.user_id, r.display_name] as [string, string]] : [])));
  }
}
