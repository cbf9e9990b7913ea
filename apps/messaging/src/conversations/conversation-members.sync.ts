import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConversationMembers } from '@plaza/realtime';
import { ConversationsRepository } from './conversations.repository';

const PAGE = 500;

/**
 * Redis keeps nothing on disk, so the membership sets the gateway reads for typing may be gone
 * after a Redis restart. At start-up messaging writes them again from PostgreSQL, page by page,
 * in the background (membership changes made meanwhile write their own sets after commit).
 */
@Injectable()
export class ConversationMembersSync implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConversationMembersSync.name);

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly members: ConversationMembers,
  ) {}

  onApplicationBootstrap(): void {
    this.resync().catch((err: unknown) => this.logger.warn(`conversation member sets not rebuilt: ${String(err)}`));
  }

  async resync(): Promise<number> {
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const page = await this.conversations.membershipPage(after, PAGE);
      for (const { conversationId, memberIds } of page) await this.members.set(conversationId, memberIds);
      count += page.length;
      if (page.length < PAGE) return count;
      after = page[page.length - 1].conversationId;
    }
  }
}
