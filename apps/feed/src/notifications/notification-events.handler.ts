import { Injectable } from '@nestjs/common';
import { type DomainEvent, type EventPayload, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import type { NotificationType } from './notification.row';
import { NotificationsService, type NotifyInput } from './notifications.service';

type Recipient = Omit<NotifyInput, 'eventId' | 'type'>;

/** Who hears of each event, from whom and about what; null: nobody. One notification type per event. */
const RECIPIENTS: { [N in NotificationType]: (p: EventPayload<N>) => Recipient | null } = {
  'connection.requested': (p) => ({ userId: p.toUserId, actorId: p.fromUserId, subjectId: p.requestId }),
  // userA sent the request, userB accepted it: the requester hears about it.
  'connection.accepted': (p) => ({ userId: p.userAId, actorId: p.userBId, subjectId: p.requestId ?? p.userBId }),
  // Follows implied by a new connection are announced by connection.accepted instead.
  'follow.created': (p) =>
    p.viaConnection ? null : { userId: p.followeeId, actorId: p.followerId, subjectId: p.followerId },
  'post.commented': (p) => ({ userId: p.postAuthorId, actorId: p.authorId, subjectId: p.postId }),
  // Toggling a reaction off and on again does not notify twice.
  'post.reacted': (p) => ({ userId: p.postAuthorId, actorId: p.userId, subjectId: p.postId, collapse: true }),
};

/** Turns graph and post events into notifications for the people they concern. */
@Injectable()
export class NotificationEventsHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @OnDomainEvent('connection.requested')
  @OnDomainEvent('connection.accepted')
  @OnDomainEvent('follow.created')
  @OnDomainEvent('post.commented')
  @OnDomainEvent('post.reacted')
  async onNotifiedEvent(event: DomainEvent<NotificationType>, manager: EntityManager): Promise<void> {
    const recipient = (RECIPIENTS[event.name] as (p: EventPayload<NotificationType>) => Recipient | null)(
      event.payload,
    );
    if (recipient) await this.notifications.notify(manager, { eventId: event.id, type: event.name, ...recipient });
  }
}
