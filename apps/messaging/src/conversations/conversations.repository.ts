import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type MessageDto } from '../delivery/dto/message.dto';

/** A conversation as one member sees it, before member names are attached. */
export interface ConversationView {
  id: string;
  type: 'direct' | 'group';
  title: string | null;
  createdAt: string;
  lastActivityAt: string;
  /** Microsecond-exact `last_activity_at`, for keyset cursors. */
  activityKey: string;
  lastReadSeq: number;
  unreadCount: number;
  lastMessage: MessageDto | null;
  memberIds: string[];
}

interface ViewRow {
  id: string;
  type: 'direct' | 'group';
  title: string | null;
  created_at: Date;
  last_activity_at: Date;
  activity_key: string;
  last_read_seq: string;
  unread: string;
  member_ids: string[];
  lm_id: string | null;
  lm_seq: string | null;
  lm_sender_id: string | null;
  lm_text: string | null;
  lm_client_msg_id: string | null;
  lm_created_at: Date | null;
}

const VIEW_SELECT = `
SELECT c.id, c.type, c.title, c.created_at, c.last_activity_at,
       to_char(c.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS activity_key,
       me.last_read_seq,
       (SELECT count(*) FROM messaging.messages u WHERE u.conversation_id = c.id AND u.seq > me.last_read_seq AND u.sender_id <> me.user_id) AS unread,
       ARRAY(SELECT m.user_id FROM messaging.conversation_members m
              WHERE m.conversation_id = c.id AND m.left_at IS NULL ORDER BY m.joined_at, m.user_id)::text[] AS member_ids,
       lm.id AS lm_id, lm.seq AS lm_seq, lm.sender_id AS lm_sender_id, lm.text AS lm_text,
       lm.client_msg_id AS lm_client_msg_id, lm.created_at AS lm_created_at
  FROM messaging.conversation_members me
  JOIN messaging.conversations c ON c.id = me.conversation_id
  LEFT JOIN messaging.messages lm ON lm.conversation_id = c.id AND lm.seq = c.last_seq
 WHERE me.user_id = $1 AND me.left_at IS NULL`;

function toView(r: ViewRow): ConversationView {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    createdAt: r.created_at.toISOString(),
    lastActivityAt: r.last_activity_at.toISOString(),
    activityKey: r.activity_key,
    lastReadSeq: Number(r.last_read_seq),
    unreadCount: Number(r.unread),
    memberIds: r.member_ids,
    lastMessage:
      r.lm_id === null
        ? null
        : {
            id: r.lm_id,
            conversationId: r.id,
            seq: Number(r.lm_seq),
            senderId: r.lm_sender_id as string,
            text: r.lm_text as string,
            clientMsgId: r.lm_client_msg_id as string,
            createdAt: (r.lm_created_at as Date).toISOString(),
          },
  };
}

export function directPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

@Injectable()
export class ConversationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Creates the direct conversation of a pair unless it exists. Concurrent creations of one pair
   * meet on the unique pair: the loser's insert waits for the winner's commit, then does nothing
   * and reads the winner's row.
   */
  async createDirect(
    manager: EntityManager,
    id: string,
    creatorId: string,
    otherId: string,
  ): Promise<{ id: string; created: boolean }> {
    const [low, high] = directPair(creatorId, otherId);
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO messaging.conversations (id, type, direct_low, direct_high, created_by) VALUES ($1, 'direct', $2, $3, $4)
       ON CONFLICT (direct_low, direct_high) DO NOTHING RETURNING id`,
      [id, low, high, creatorId],
    );
    if (inserted.length) {
      await this.insertMembers(manager, id, [creatorId, otherId]);
      return { id, created: true };
    }
    const existing: Array<{ id: string }> = await manager.query(
      `SELECT id FROM messaging.conversations WHERE direct_low = $1 AND direct_high = $2`,
      [low, high],
    );
    return { id: existing[0].id, created: false };
  }

  async createGroup(
    manager: EntityManager,
    id: string,
    creatorId: string,
    title: string | null,
    memberIds: readonly string[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO messaging.conversations (id, type, title, created_by) VALUES ($1, 'group', $2, $3)`,
      [id, title, creatorId],
    );
    await this.insertMembers(manager, id, [creatorId, ...memberIds]);
  }

  private async insertMembers(
    manager: EntityManager,
    conversationId: string,
    userIds: readonly string[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO messaging.conversation_members (conversation_id, user_id) SELECT $1, u FROM unnest($2::uuid[]) AS u`,
      [conversationId, userIds],
    );
  }

  /**
   * Locks the conversation row for a membership change (serialises adds and leaves of one group)
   * when `userId` is a current member; null otherwise.
   */
  async lockForMember(
    manager: EntityManager,
    conversationId: string,
    userId: string,
  ): Promise<{ type: 'direct' | 'group'; memberIds: string[] } | null> {
    const rows: Array<{ type: 'direct' | 'group' }> = await manager.query(
      `SELECT c.type FROM messaging.conversations c
        WHERE c.id = $1 AND EXISTS (SELECT 1 FROM messaging.conversation_members m WHERE m.conversation_id = c.id AND m.user_id = $2 AND m.left_at IS NULL)
        FOR NO KEY UPDATE`,
      [conversationId, userId],
    );
    if (!rows.length) return null;
    return { type: rows[0].type, memberIds: await this.activeMemberIds(manager, conversationId) };
  }

  async activeMemberIds(manager: EntityManager, conversationId: string): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await manager.query(
      `SELECT user_id FROM messaging.conversation_members WHERE conversation_id = $1 AND left_at IS NULL`,
      [conversationId],
    );
    return rows.map((r) => r.user_id);
  }

  /** Adds users (again, for those who left); returns those who were not members before. */
  async addMembers(manager: EntityManager, conversationId: string, userIds: readonly string[]): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await manager.query(
      `INSERT INTO messaging.conversation_members AS m (conversation_id, user_id) SELECT $1, u FROM unnest($2::uuid[]) AS u
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_at = NULL, joined_at = clock_timestamp()
       WHERE m.left_at IS NOT NULL
       RETURNING m.user_id`,
      [conversationId, userIds],
    );
    return rows.map((r) => r.user_id);
  }

  /** True when the user was a member and now is not. */
  async leave(manager: EntityManager, conversationId: string, userId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE messaging.conversation_members SET left_at = clock_timestamp() WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL`,
      [conversationId, userId],
    );
    return affected > 0;
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM messaging.conversation_members WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL`,
      [conversationId, userId],
    );
    return rows.length > 0;
  }

  /** The conversation as `userId` sees it; null when it does not exist or they are not a member. */
  async viewFor(
    userId: string,
    conversationId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ConversationView | null> {
    const rows: ViewRow[] = await manager.query(`${VIEW_SELECT} AND c.id = $2`, [userId, conversationId]);
    return rows.length ? toView(rows[0]) : null;
  }

  /** The views of these conversations that `userId` is a current member of, in one statement; others left out. */
  async viewsFor(userId: string, conversationIds: readonly string[]): Promise<ConversationView[]> {
    if (!conversationIds.length) return [];
    const rows: ViewRow[] = await this.dataSource.query(`${VIEW_SELECT} AND c.id = ANY($2::uuid[])`, [
      userId,
      conversationIds,
    ]);
    return rows.map(toView);
  }

  /** The caller's conversations, most recent activity first, after the keyset `after`. */
  async listFor(userId: string, limit: number, after: { t: string; id: string } | null): Promise<ConversationView[]> {
    const params: unknown[] = [userId, limit];
    let keyset = '';
    if (after) {
      params.push(after.t, after.id);
      keyset = ` AND (c.last_activity_at, c.id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows: ViewRow[] = await this.dataSource.query(
      `${VIEW_SELECT}${keyset} ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $2`,
      params,
    );
    return rows.map(toView);
  }

  /** Current members of conversations in id order after `after`, for rebuilding the Redis sets. */
  async membershipPage(
    after: string | null,
    limit: number,
  ): Promise<Array<{ conversationId: string; memberIds: string[]; kind: 'direct' | 'group' }>> {
    const rows: Array<{ id: string; member_ids: string[]; type: 'direct' | 'group' }> = await this.dataSource.query(
      `SELECT c.id, c.type, ARRAY(SELECT m.user_id FROM messaging.conversation_members m WHERE m.conversation_id = c.id AND m.left_at IS NULL)::text[] AS member_ids
         FROM messaging.conversations c
        WHERE $1::uuid IS NULL OR c.id > $1::uuid
        ORDER BY c.id LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => ({ conversationId: r.id, memberIds: r.member_ids, kind: r.type }));
  }

  /** A conversation's type and, when direct, its pair; null when there is no such conversation. */
  async kindOf(conversationId: string): Promise<{ type: 'direct' | 'group'; pair: [string, string] | null } | null> {
    const rows: Array<{ type: 'direct' | 'group'; direct_low: string | null; direct_high: string | null }> =
      await this.dataSource.query(`SELECT type, direct_low, direct_high FROM messaging.conversations WHERE id = $1`, [
        conversationId,
      ]);
    const r = rows[0];
    if (!r) return null;
    return {
      type: r.type,
      pair: r.type === 'direct' && r.direct_low && r.direct_high ? [r.direct_low, r.direct_high] : null,
    };
  }
}
