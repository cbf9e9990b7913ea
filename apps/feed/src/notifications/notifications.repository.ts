import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Position } from '../common/position';
import { rowsOf } from '../common/sql.util';
import { blockedEitherWay } from '../graph/visibility.sql';
import type { NotificationRow, NotificationType } from './notification.row';

const COLUMNS = `n.id, n.type, n.actor_id, u.handle, u.display_name, n.subject_id, n.created_at, n.read_at`;
/** Someone blocked since the notification was written disappears from the list too. */
const NOT_BLOCKED = `(n.actor_id IS NULL OR NOT ${blockedEitherWay('n.user_id', 'n.actor_id')})`;

@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Null when a notification with this id exists already (the event was handled before). */
  async insert(
    manager: EntityManager,
    n: { id: string; userId: string; type: NotificationType; actorId: string | null; subjectId: string | null },
  ): Promise<NotificationRow | null> {
    const rows = await manager.query<NotificationRow[]>(
      `WITH n AS (
         INSERT INTO feed.notifications (id, user_id, type, actor_id, subject_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING RETURNING *)
       SELECT ${COLUMNS} FROM n LEFT JOIN feed.users u ON u.id = n.actor_id`,
      [n.id, n.userId, n.type, n.actorId, n.subjectId],
    );
    return rows[0] ?? null;
  }

  /** An unread notification of the same kind from the same actor about the same subject. */
  async hasUnread(
    manager: EntityManager,
    userId: string,
    type: NotificationType,
    actorId: string,
    subjectId: string,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM feed.notifications WHERE user_id = $1 AND type = $2 AND actor_id = $3 AND subject_id = $4 AND read_at IS NULL LIMIT 1`,
      [userId, type, actorId, subjectId],
    );
    return rows.length > 0;
  }

  async list(userId: string, after: Position | null, limit: number): Promise<NotificationRow[]> {
    return await this.dataSource.query<NotificationRow[]>(
      `SELECT ${COLUMNS} FROM feed.notifications n LEFT JOIN feed.users u ON u.id = n.actor_id
       WHERE n.user_id = $1 AND ${NOT_BLOCKED}
         ${after ? `AND (n.created_at, n.id) < (timestamptz 'epoch' + $3::bigint * interval '1 millisecond', $4::uuid)` : ''}
       ORDER BY n.created_at DESC, n.id DESC LIMIT $2`,
      after ? [userId, limit, after.t, after.id] : [userId, limit],
    );
  }

  async unreadCount(userId: string): Promise<number> {
    const rows = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM feed.notifications n WHERE n.user_id = $1 AND n.read_at IS NULL AND ${NOT_BLOCKED}`,
      [userId],
    );
    return rows[0].n;
  }

  /** Only the caller's own notifications; ids of others' are silently ignored. */
  async markRead(userId: string, ids: readonly string[] | null): Promise<void> {
    rowsOf(
      await this.dataSource.query(
        `UPDATE feed.notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL ${ids ? 'AND id = ANY($2::uuid[])' : ''}`,
        ids ? [userId, ids] : [userId],
      ),
    );
  }
}
