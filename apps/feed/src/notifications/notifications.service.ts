import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OutboxService } from '@plaza/events';
import { type NotificationPayload, RealtimePublisher, SafetyGraph } from '@plaza/realtime';
import type { EntityManager } from 'typeorm';
import { pageOf } from '@plaza/platform';
import { decodePosition, positionCursor } from '../common/position';
import { GraphRepository } from '../graph/graph.repository';
import type { NotificationType } from './notification.row';
import { notificationView } from './notification.view';
import { NotificationsRepository } from './notifications.repository';

export interface NotifyInput {
  /** The domain event causing it: the notification id derives from it, so a redelivery is a no-op. */
  eventId: string;
  userId: string;
  type: NotificationType;
  actorId: string;
  subjectId: string | null;
  /** Skip when an unread one of the same kind, actor and subject exists (reaction toggling). */
  collapse?: boolean;
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly graph: GraphRepository,
    private readonly realtime: RealtimePublisher,
    private readonly safety: SafetyGraph,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Stores and pushes one notification; never to yourself, never across a block. `manager` is the
   * event handler's transaction: `notification.created` (for offline push) commits with the row.
   */
  async notify(manager: EntityManager, input: NotifyInput): Promise<void> {
    if (input.userId === input.actorId) return;
    if (await this.graph.isBlockedEitherWay(manager, input.userId, input.actorId)) return;
    // A block that answered before this event was handled counts, whatever feed's copy says yet.
    if ((await this.safety.blockedAmong(input.userId, [input.actorId])).size) return;
    if (
      input.collapse &&
      input.subjectId &&
      (await this.notifications.hasUnread(manager, input.userId, input.type, input.actorId, input.subjectId))
    )
      return;
    const row = await this.notifications.insert(manager, {
      id: derivedUuid(`${input.eventId}:${input.userId}`),
      userId: input.userId,
      type: input.type,
      actorId: input.actorId,
      subjectId: input.subjectId,
    });
    if (!row) return;
    await this.outbox.publish(manager, 'notification.created', {
      notificationId: row.id,
      userId: input.userId,
      type: row.type,
      actorId: input.actorId,
      subjectId: row.subject_id,
      createdAt: row.created_at.toISOString(),
    });
    await this.realtime.pushDurable([input.userId], 'notification', notificationView(row));
  }

  async list(userId: string, limit: number, cursor: string | undefined) {
    const after = decodePosition(cursor);
    const { blocked } = await this.safety.viewer(userId);
    const [rows, unreadCount] = await Promise.all([
      this.notifications.list(userId, after, limit + 1, blocked),
      this.notifications.unreadCount(userId, blocked),
    ]);
    const page = pageOf(rows, limit, positionCursor);
    return { items: page.items.map(notificationView), nextCursor: page.nextCursor, unreadCount };
  }

  /** The user's own notifications by id under the list's rules, in one statement; others are absent. */
  async byIds(userId: string, ids: readonly string[]): Promise<Map<string, NotificationPayload>> {
    const { blocked } = await this.safety.viewer(userId);
    const rows = await this.notifications.byIds(userId, ids, blocked);
    return new Map(rows.map((row) => [row.id, notificationView(row)]));
  }

  async markRead(userId: string, ids: readonly string[] | undefined): Promise<void> {
    await this.notifications.markRead(userId, ids ?? null);
  }
}

/** A stable UUID (v5 layout) from a name, so the same event yields the same notification id. */
function derivedUuid(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
