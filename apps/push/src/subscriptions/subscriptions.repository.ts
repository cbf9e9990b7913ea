import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { rowsOf } from '@plaza/database';

export interface SubscriptionRow {
  id: string;
  user_id: string;
  session_id: string | null;
  kind: 'webpush' | 'fcm';
  endpoint: string | null;
  p256dh: string | null;
  auth: string | null;
  fcm_token: string | null;
  platform: 'android' | 'ios' | null;
  created_at: Date;
}

export type NewSubscription = Omit<SubscriptionRow, 'created_at'>;

const COLUMNS = 'id, user_id, session_id, kind, endpoint, p256dh, auth, fcm_token, platform, created_at';

/** Subscriptions and per-user push settings (schema `push`). */
@Injectable()
export class SubscriptionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores `row` unless its endpoint (or FCM token) is already stored: then the existing row is
   * kept (same id) when it belongs to the same user, with the session and keys refreshed; a row
   * of another user (a browser that changed accounts) is replaced, with its pending pushes.
   */
  async upsert(row: NewSubscription): Promise<{ row: SubscriptionRow; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const [column, value] = row.kind === 'webpush' ? ['endpoint', row.endpoint] : ['fcm_token', row.fcm_token];
      // Serialises two registrations of one endpoint (the unique index alone would fail one of them).
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('plaza-push-sub:' || $1, 0))`, [value]);
      const existing = await manager.query<SubscriptionRow[]>(
        `SELECT ${COLUMNS} FROM push.subscriptions WHERE ${column} = $1`,
        [value],
      );
      if (existing[0]?.user_id === row.user_id) {
        const updated: unknown = await manager.query(
          `UPDATE push.subscriptions SET session_id = $2, p256dh = $3, auth = $4, platform = $5 WHERE id = $1 RETURNING ${COLUMNS}`,
          [existing[0].id, row.session_id, row.p256dh, row.auth, row.platform],
        );
        return { row: rowsOf<SubscriptionRow>(updated)[0], created: false };
      }
      if (existing[0]) await manager.query(`DELETE FROM push.subscriptions WHERE id = $1`, [existing[0].id]);
      const inserted = await manager.query<SubscriptionRow[]>(
        `INSERT INTO push.subscriptions (id, user_id, session_id, kind, endpoint, p256dh, auth, fcm_token, platform)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [
          row.id,
          row.user_id,
          row.session_id,
          row.kind,
          row.endpoint,
          row.p256dh,
          row.auth,
          row.fcm_token,
          row.platform,
        ],
      );
      return { row: inserted[0], created: true };
    });
  }

  listForUser(userId: string): Promise<SubscriptionRow[]> {
    return this.dataSource.query<SubscriptionRow[]>(
      `SELECT ${COLUMNS} FROM push.subscriptions WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
  }

  async findById(id: string): Promise<SubscriptionRow | null> {
    const rows = await this.dataSource.query<SubscriptionRow[]>(
      `SELECT ${COLUMNS} FROM push.subscriptions WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Deletes one of the user's subscriptions; false when there is no such subscription of theirs. */
  async deleteOwned(id: string, userId: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM push.subscriptions WHERE id = $1 AND user_id = $2 RETURNING 1`,
      [id, userId],
    );
    return rowsOf(result).length > 0;
  }

  async deleteMany(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.dataSource.query(`DELETE FROM push.subscriptions WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async previews(userId: string): Promise<boolean> {
    const rows = await this.dataSource.query<Array<{ previews: boolean }>>(
      `SELECT previews FROM push.settings WHERE user_id = $1`,
      [userId],
    );
    return rows[0]?.previews ?? true;
  }

  async setPreviews(userId: string, previews: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO push.settings (user_id, previews) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET previews = EXCLUDED.previews`,
      [userId, previews],
    );
  }
}
