import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { NotificationsService } from './notifications.service';

/** Turns graph and post events into notifications for the people they concern. */
@Injectable()
export class NotificationEventsHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @OnDomainEvent('connection.requested')
  async onConnectionRequested(event: DomainEvent<'connection.requested'>, manager: EntityManager): Promise<void> {
    const { requestId, fromUserId, toUserId } = event.payload;
    await this.notifications.notify(manager, {
      eventId: event.id,
      userId: toUserId,
      type: 'connection.requested',
      actorId: fromUserId,
      subjectId: requestId,
    });
  }

  /** userA sent the request, userB accepted it: the requester hears about it. */
  @OnDomainEvent('connection.accepted')
  async onConnectionAccepted(event: DomainEvent<'connection.accepted'>, manager: EntityManager): Promise<void> {
    const { userAId, userBId, requestId } = event.payload;
    await this.notifications.notify(manager, {
      eventId: event.id,
      userId: userAId,
      type: 'connection.accepted',
      actorId: userBId,
      subjectId: requestId ?? userBId,
    });
  }

  /** Follows implied by a new connection are announced by connection.accepted instead. */
  @OnDomainEvent('follow.created')
  async onFollowCreated(event: DomainEvent<'follow.created'>, manager: EntityManager): Promise<void> {
    const { followerId, followeeId, viaConnection } = event.payload;
    if (viaConnection) return;
    await this.notifications.notify(manager, {
      eventId: event.id,
      userId: followeeId,
      type: 'follow.created',
      actorId: followerId,
      subjectId: followerId,
    });
  }

  @OnDomainEvent('post.commented')
  async onPostCommented(event: DomainEvent<'post.commented'>, manager: EntityManager): Promise<void> {
    const { postId, authorId, postAuthorId } = event.payload;
    await this.notifications.notify(manager, {
      eventId: event.id,
      userId: postAuthorId,
      type: 'post.commented',
      actorId: authorId,
      subjectId: postId,
    });
  }

  @OnDomainEvent('post.reacted')
  async onPostReacted(event: DomainEvent<'post.reacted'>, manager: EntityManager): Promise<void> {
    const { postId, userId, postAuthorId } = event.payload;
    await this.notifications.notify(manager, {
      eventId: event.id,
      userId: postAuthorId,
      type: 'post.reacted',
      actorId: userId,
      subjectId: postId,
      collapse: true,
    });
  }
}
