import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import type { EntityManager } from 'typeorm';
import { AuditService } from './audit.service';

/**
 * Moderation happens in other apps (a moderator deleting someone else's post in feed); they
 * publish an event and the audit entry is written here, in the transaction that marks the event
 * processed, so each moderation action is audited exactly once.
 */
@Injectable()
export class ModerationEventsHandler {
  constructor(private readonly audit: AuditService) {}

  @OnDomainEvent('post.moderated')
  async onPostModerated(event: DomainEvent<'post.moderated'>, manager: EntityManager): Promise<void> {
    const { postId, authorId, moderatorId, ip } = event.payload;
    await this.audit.record(manager, {
      actorId: moderatorId,
      action: 'post.deleted',
      targetId: postId,
      before: { authorId },
      after: { deleted: true },
      ip: ip ?? null,
    });
  }
}
