import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface UserSummaryRow {
  id: string;
  handle: string | null;
  displayName: string | null;
}

/**
 * Messaging's copy of the parts of the social graph it needs: who users are (names shown in
 * conversations) and who blocked whom (the group commit's SQL block check). Every write is an upsert guarded by
 * the event time, so a handler may run twice or late without moving a row back in time.
 */
@Injectable()
export class GraphReadModelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async upsertUser(
    manager: EntityManager,
    userId: string,
    handle: string,
    displayName: string,
    at: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO messaging.users (user_id, handle, display_name, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name, changed_at = EXCLUDED.changed_at
       WHERE messaging.users.changed_at <= EXCLUDED.changed_at`,
      [userId, handle, displayName, at],
    );
  }

  /** Names from the user directory for users not yet known here; never over a row an event wrote. */
  async seedUsers(users: ReadonlyArray<{ id: string; handle: string; displayName: string }>): Promise<void> {
    if (!users.length) return;
    await this.dataSource.query(
      `INSERT INTO messaging.users (user_id, handle, display_name, changed_at)
       SELECT u.id, u.handle, u.display_name, timestamptz 'epoch'
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, handle, display_name)
       ON CONFLICT (user_id) DO NOTHING`,
      [users.map((u) => u.id), users.map((u) => u.handle), users.map((u) => u.displayName)],
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
      `INSERT INTO messaging.blocks (blocker_id, blocked_id, active, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET active = EXCLUDED.active, changed_at = EXCLUDED.changed_at
       WHERE messaging.blocks.changed_at <= EXCLUDED.changed_at`,
      [blockerId, blockedId, active, at],
    );
  }

  async summaries(userIds: readonly string[]): Promise<Map<string, UserSummaryRow>> {
    const map = new Map<string, UserSummaryRow>();
    if (!userIds.length) return map;
    const rows: Array<{ user_id: string; handle: string; display_name: string }> = await this.dataSource.query(
      `SELECT user_id, handle, display_name FROM messaging.users WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    for (const r of rows) map.set(r.user_id, { id: r.user_id, handle: r.handle, displayName: r.display_name });
    return map;
  }
}
