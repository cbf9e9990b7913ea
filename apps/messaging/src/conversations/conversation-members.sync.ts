import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConversationMembers } from '@plaza/realtime';
import { ConversationsRepository } from './conversations.repository';

const PAGE = 500;

/**
 * Redis keeps nothing on disk, so the membership sets the gateway reads for typing may be gone
 * after a Redis restart. At start-up messaging writes the missing ones again from PostgreSQL,
 * page by page, in the background. Sets that exist are left alone: membership changes keep them
 * current after each commit, and rewriting them from an older read could undo a concurrent leave.
 */
@Injectable()
export class ConversationMembersSync implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConversationMembersSync.name);

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly members: ConversationMembers,
  ) {}

  onApplicationBootstrap(): void {
    this.restoreMissing().then(
      (restored) => {
        if (restored) this.logger.log(`restored ${restored} conversation member sets in Redis`);
      },
      (err: unknown) => this.logger.warn(`conversation member sets not restored: ${String(err)}`),
    );
  }

  /** Returns how many sets were written. */
  async restoreMissing(): Promise<number> {
    let after: string | null = null;
    let restored = 0;
    for (;;) {
      const page = await this.conversations.membershipPage(after, PAGE);
      // Also writes the kinds that are missing (for sets kept from before kinds existed).
      const missing = await this.members.missing(page);
      for (const { conversationId, memberIds, kind } of page) {
        if (missing.has(conversationId) && memberIds.length) {
          await this.members.set(conversationId, memberIds, kind);
          restored++;
        }
      }
      if (page.length < PAGE) return restored;
      after = page[page.length - 1].conversationId;
    }
  }
}
