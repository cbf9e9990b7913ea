import { Inject, Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { PUSH_SETTINGS, type PushSettings } from '../common/push.settings';
import { DeliveriesRepository } from './deliveries.repository';

/** Longest message text kept for a preview (a push payload is limited to about 4 KB). */
const PREVIEW_MAX = 500;

/** `Topic` of a conversation's pushes: its id without dashes (RFC 8030 allows 32 base64url characters). */
export const conversationTopic = (conversationId: string): string => conversationId.replace(/-/g, '');
export const NOTIFICATIONS_TOPIC = 'notifications';

/**
 * Queues a push for every subscription of the recipients of a message or notification. Whether
 * it is sent (offline? blocked? session still signed in?) is decided at delivery time.
 */
@Injectable()
export class PushEventsHandler {
  constructor(
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  @OnDomainEvent('message.created')
  async onMessageCreated(event: DomainEvent<'message.created'>, manager: EntityManager): Promise<void> {
    const { messageId, conversationId, senderId, memberIds, text } = event.payload;
    await this.deliveries.enqueue(manager, {
      userIds: memberIds.filter((id) => id !== senderId),
      topic: conversationTopic(conversationId),
      type: 'message',
      eventId: messageId,
      actorId: senderId,
      content: { conversationId, text: [...text].slice(0, PREVIEW_MAX).join('') },
      collapseMs: this.settings.collapseMs,
      occurredAt: event.occurredAt,
    });
  }

  @OnDomainEvent('notification.created')
  async onNotificationCreated(event: DomainEvent<'notification.created'>, manager: EntityManager): Promise<void> {
    const { notificationId, userId, type, actorId, subjectId } = event.payload;
    await this.deliveries.enqueue(manager, {
      userIds: [userId],
      topic: NOTIFICATIONS_TOPIC,
      type: 'notification',
      eventId: notificationId,
      actorId,
      content: { notificationType: type, subjectId },
      collapseMs: this.settings.collapseMs,
      occurredAt: event.occurredAt,
    });
  }
}
