import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Position } from '../common/position';
import { rowsOf } from '@plaza/database';
import type { NotificationRow, NotificationType } from './notification.row';

const COLUMNS = `n.id, n.type, n.actor_id, u.handle, u.display_name, n.subject_id, n.created_at, n.read_at`;
/**
 * What the list and the unread count leave out: anyone blocked either way since (`blocked`, the
 * viewer's safety-graph set bound at `$param`), and notifications about a post since deleted.
 */
const SHOWN = (blockedParam: string) =>
  `(n.actor_id IS NULL OR NOT n.actor_id = ANY(${blockedParam}::uuid[]))
   AND NOT (n.type IN ('post.commented', 'post.reacted')
            AND EXISTS (SELECT 1 FROM feed.posts dp WHERE dp.id = n.subject_id AND dp.deleted_at IS NOT NULL))`;

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

  async list(
    userId: string,
    after: Position | null,
    limit: number,
    blocked: ReadonlySet<string>,
  ): Promise<NotificationRow[]> {
    return await this.dataSource.query<NotificationRow[]>(
      `SELECT ${COLUMNS} FROM feed.notifications n LEFT JOIN feed.users u ON u.id = n.actor_id
       WHERE n.user_id = $1 AND ${SHOWN('$3')}
         ${after ? `AND (n.created_at, n.id) < (timestamptz 'epoch' + $4::bigint * interval '1 millisecond', $5::uuid)` : ''}
       ORDER BY n.created_at DESC, n.id DESC LIMIT $2`,
      after ? [userId, limit, [...blocked], after.t, after.id] : [userId, limit, [...blocked]],
    );
  }

  /** The user's own notifications by id, as the list shows them (others' ids are left out). */
  async byIds(userId: string, ids: readonly string[], blocked: ReadonlySet<string>): Promise<NotificationRow[]> {
    if (!ids.length) return [];
    return await this.dataSource.query<NotificationRow[]>(
      `SELECT ${COLUMNS} FROM feed.notifications n LEFT JOIN feed.users u ON u.id = n.actor_id
       WHERE n.user_id = $1 AND n.id = ANY($2::uuid[]) AND ${SHOWN('$3')}`,
      [userId, ids, [...blocked]],
    );
  }

  async unreadCount(userId: string, blocked: ReadonlySet<string>): Promise<number> {
    const rows = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM feed.notifications n WHERE n.user_id = $1 AND n.read_at IS NULL AND ${SHOWN('$2')}`,
      [userId, [...blocked]],
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
