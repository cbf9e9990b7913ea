import { Injectable } from '@nestjs/common';
import { SafetyGraph } from '@plaza/realtime';
import { LRUCache } from 'lru-cache';
import { blockedInDirect } from './conversation.errors';
import { ConversationsRepository } from './conversations.repository';

type Kind = { type: 'direct' | 'group'; pair: [string, string] | null };

const KINDS_MAX = 100_000;

/**
 * The block rules of messaging, decided from the safety graph (written by profiles before a
 * block or unblock answers), so that they hold on every instance the moment the block answered.
 * Send, read and typing paths all call these, whatever transport carries them.
 */
@Injectable()
export class ConversationSafety {
  /** A conversation's type and pair never change: remembered per process (bounded). */
  private readonly kinds = new LRUCache<string, Kind>({ max: KINDS_MAX });
  /** Lookups in flight: concurrent sends to one conversation share one, so they stay in order. */
  private readonly lookups = new Map<string, Promise<Kind | null>>();

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly safety: SafetyGraph,
  ) {}

  /**
   * Null when there is no such conversation. Concurrent callers for one conversation wait on the
   * same lookup and resume in call order (separate queries on separate pool connections could
   * answer in any order, and a batch's sends would reach the group commit out of order).
   */
  async kindOf(conversationId: string): Promise<Kind | null> {
    const known = this.kinds.get(conversationId);
    if (known) return known;
    let lookup = this.lookups.get(conversationId);
    if (!lookup) {
      lookup = this.conversations.kindOf(conversationId).finally(() => this.lookups.delete(conversationId));
      this.lookups.set(conversationId, lookup);
    }
    const kind = await lookup;
    if (!kind) return null;
    this.kinds.set(conversationId, kind);
    return kind;
  }

  /** 403 `forbidden` when `userId` writes (sends, reads, types) in a direct conversation across a block. */
  async assertNotBlockedInDirect(userId: string, conversationId: string): Promise<void> {
    const kind = await this.kindOf(conversationId);
    if (!kind?.pair || !kind.pair.includes(userId)) return;
    const other = kind.pair[0] === userId ? kind.pair[1] : kind.pair[0];
    if ((await this.safety.blockedAmong(userId, [other])).size) throw blockedInDirect();
  }

  /** `recipients` minus anyone blocked either way with `userId` (for what is relayed in a group). */
  async notBlockedWith(userId: string, recipients: readonly string[]): Promise<string[]> {
    const blocked = await this.safety.blockedAmong(userId, recipients);
    return recipients.filter((r) => !blocked.has(r));
  }
}
