import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MessageDto } from '../delivery/dto/message.dto';
import type { StoredMessage } from '../delivery/stored-message';

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  text: string;
  clientMsgId: string;
}

export interface MessageRange {
  /** Exclusive lower bound (0: none). */
  after: number;
  /** Exclusive upper bound (0: none). */
  before: number;
  /** `forward`: the oldest messages of the range first; `backward`: the newest of the range. */
  direction: 'forward' | 'backward';
}

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  sender_id: string;
  text: string;
  client_msg_id: string;
  created_at: Date;
}

const COLUMNS = 'id, conversation_id, seq, sender_id, text, client_msg_id, created_at';
const UNIQUE_VIOLATION = '23505';

export function toMessage(row: MessageRow): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    text: row.text,
    clientMsgId: row.client_msg_id,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * The one statement that stores messages: a batch of sends, possibly to many conversations, in
 * one autocommitted statement (one commit, one WAL flush for the batch). Per input row, in order:
 * - a clientMsgId repeated inside the batch keeps its first occurrence only;
 * - the conversations are locked in id order (FOR UPDATE), so two batches never deadlock, and
 *   senders of one conversation are serialised by that row lock while unrelated conversations
 *   proceed in parallel;
 * - a message is stored only when the sender is a current member, no block stands between the
 *   two members of a direct conversation, and the clientMsgId is new; the conversation's
 *   `last_seq` grows by the number stored and each gets the next seq (no gap: the increment and
 *   the inserts commit together or not at all; a concurrent duplicate that commits first raises
 *   a unique violation and aborts the whole statement);
 * - a `message.created` outbox event is written for each stored message, in the same commit.
 * Rows come back for stored messages only, with the input ordinal, the members at that moment and
 * the time of the conversation's previous activity (`prev_activity_at`: when seq - 1 at the
 * latest was committed).
 */
const INSERT_BATCH = `
WITH input AS (
  SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[])
    AS t(ord, id, conversation_id, sender_id, text, client_msg_id)
), firsts AS (
  SELECT DISTINCT ON (conversation_id, sender_id, client_msg_id) *
    FROM input ORDER BY conversation_id, sender_id, client_msg_id, ord
), locked AS (
  SELECT c.id, c.type, c.direct_low, c.direct_high, c.last_activity_at AS prev_activity_at
    FROM messaging.conversations c
   WHERE c.id IN (SELECT conversation_id FROM firsts)
   ORDER BY c.id
     FOR UPDATE
), accepted AS (
  SELECT f.*, l.prev_activity_at,
         row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.ord) AS n,
         count(*) OVER (PARTITION BY f.conversation_id) AS cnt
    FROM firsts f JOIN locked l ON l.id = f.conversation_id
   WHERE EXISTS (SELECT 1 FROM messaging.conversation_members m
                  WHERE m.conversation_id = f.conversation_id AND m.user_id = f.sender_id AND m.left_at IS NULL)
     AND NOT (l.type = 'direct' AND EXISTS (
       SELECT 1 FROM messaging.blocks b
        WHERE b.active AND ((b.blocker_id = l.direct_low AND b.blocked_id = l.direct_high)
                         OR (b.blocker_id = l.direct_high AND b.blocked_id = l.direct_low))))
     AND NOT EXISTS (SELECT 1 FROM messaging.messages x
                      WHERE x.conversation_id = f.conversation_id AND x.sender_id = f.sender_id
                        AND x.client_msg_id = f.client_msg_id)
), counts AS (
  SELECT conversation_id, max(cnt) AS cnt FROM accepted GROUP BY conversation_id
), upd AS (
  UPDATE messaging.conversations c
     SET last_seq = c.last_seq + counts.cnt, last_activity_at = clock_timestamp()
    FROM counts
   WHERE c.id = counts.conversation_id
  RETURNING c.id, c.last_seq - counts.cnt AS base_seq, c.last_activity_at
), ins AS (
  INSERT INTO messaging.messages (id, conversation_id, seq, sender_id, text, client_msg_id, created_at)
  SELECT a.id, a.conversation_id, u.base_seq + a.n, a.sender_id, a.text, a.client_msg_id, u.last_activity_at
    FROM accepted a JOIN upd u ON u.id = a.conversation_id
  RETURNING ${COLUMNS}
), members AS (
  SELECT m.conversation_id, array_agg(m.user_id::text ORDER BY m.user_id) AS member_ids
    FROM messaging.conversation_members m
   WHERE m.conversation_id IN (SELECT id FROM upd) AND m.left_at IS NULL
   GROUP BY m.conversation_id
), outbox AS (
  -- Data-modifying: runs to completion although nothing reads it.
  INSERT INTO messaging.outbox_events (id, name, version, payload)
  SELECT gen_random_uuid(), 'message.created', 1, jsonb_build_object(
           'messageId', i.id, 'conversationId', i.conversation_id, 'seq', i.seq, 'senderId', i.sender_id,
           'memberIds', to_jsonb(mb.member_ids), 'text', i.text,
           'createdAt', to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    FROM ins i JOIN members mb ON mb.conversation_id = i.conversation_id
)
SELECT a.ord, i.*, mb.member_ids, a.prev_activity_at
  FROM ins i
  JOIN accepted a ON a.id = i.id
  JOIN members mb ON mb.conversation_id = i.conversation_id
 ORDER BY i.conversation_id, i.seq`;

@Injectable()
export class MessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores a batch of sends in one statement (see INSERT_BATCH). Returns, per input (same
   * order), the stored message, or null when nothing was stored for it (not a member, a block,
   * its clientMsgId already used — in the store or earlier in this batch). Throws when the
   * statement failed: nothing of the batch is stored then; a unique violation
   * (`isDuplicateError`) means a concurrent send of the same clientMsgId won the race.
   */
  async insertBatch(messages: readonly NewMessage[]): Promise<Array<StoredMessage | null>> {
    const rows: Array<MessageRow & { ord: number; member_ids: string[]; prev_activity_at: Date }> =
      await this.dataSource.query(INSERT_BATCH, [
        messages.map((_, i) => i),
        messages.map((m) => m.id),
        messages.map((m) => m.conversationId),
        messages.map((m) => m.senderId),
        messages.map((m) => m.text),
        messages.map((m) => m.clientMsgId),
      ]);
    const outcomes: Array<StoredMessage | null> = messages.map(() => null);
    for (const row of rows) {
      outcomes[row.ord] = {
        message: toMessage(row),
        memberIds: row.member_ids,
        prevActivityAt: row.prev_activity_at,
      };
    }
    return outcomes;
  }

  /** True for the unique violation of a clientMsgId stored concurrently. */
  static isDuplicateError(err: unknown): boolean {
    const driverError = (err as { driverError?: { code?: string; constraint?: string } }).driverError;
    return driverError?.code === UNIQUE_VIOLATION && driverError.constraint === 'messages_client_msg_id';
  }

  async findByClientMsgId(conversationId: string, senderId: string, clientMsgId: string): Promise<MessageDto | null> {
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messaging.messages WHERE conversation_id = $1 AND sender_id = $2 AND client_msg_id = $3`,
      [conversationId, senderId, clientMsgId],
    );
    return rows.length ? toMessage(rows[0]) : null;
  }

  /** Messages by id in conversations `userId` is a current member of; others are left out. */
  async byIdsForMember(userId: string, ids: readonly string[]): Promise<MessageDto[]> {
    if (!ids.length) return [];
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messaging.messages msg
        WHERE msg.id = ANY($2::uuid[]) AND EXISTS (SELECT 1 FROM messaging.conversation_members m
          WHERE m.conversation_id = msg.conversation_id AND m.user_id = $1 AND m.left_at IS NULL)`,
      [userId, ids],
    );
    return rows.map(toMessage);
  }

  /** Up to `count` of a conversation's messages in reading order: increasing seq forward, decreasing backward. */
  async range(conversationId: string, range: MessageRange, count: number): Promise<MessageDto[]> {
    const forward = range.direction === 'forward';
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messaging.messages
        WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint = 0 OR seq < $3)
        ORDER BY seq ${forward ? 'ASC' : 'DESC'} LIMIT $4`,
      [conversationId, range.after, range.before, count],
    );
    return rows.map(toMessage);
  }

  /**
   * Moves the member's read position forward to `seq` (capped at the newest message), never back.
   * Null when the caller is not a member; `advanced: false` when the position did not move.
   */
  async markRead(
    conversationId: string,
    userId: string,
    seq: number,
  ): Promise<{ advanced: boolean; seq: number; otherMemberIds: string[] } | null> {
    const rows: Array<{ last_read_seq: string; advanced: boolean; member_ids: string[] }> = await this.dataSource.query(
      `WITH me AS (
         SELECT m.last_read_seq AS old_seq, LEAST($3::bigint, c.last_seq) AS target
           FROM messaging.conversation_members m JOIN messaging.conversations c ON c.id = m.conversation_id
          WHERE m.conversation_id = $1 AND m.user_id = $2 AND m.left_at IS NULL
       ), upd AS (
         UPDATE messaging.conversation_members m SET last_read_seq = me.target
           FROM me
          WHERE m.conversation_id = $1 AND m.user_id = $2 AND m.left_at IS NULL AND m.last_read_seq < me.target
         RETURNING m.last_read_seq
       )
       SELECT COALESCE((SELECT last_read_seq FROM upd), me.old_seq) AS last_read_seq,
              EXISTS (SELECT 1 FROM upd) AS advanced,
              ARRAY(SELECT o.user_id FROM messaging.conversation_members o
                     WHERE o.conversation_id = $1 AND o.left_at IS NULL AND o.user_id <> $2)::text[] AS member_ids
         FROM me`,
      [conversationId, userId, seq],
    );
    if (!rows.length) return null;
    return { advanced: rows[0].advanced, seq: Number(rows[0].last_read_seq), otherMemberIds: rows[0].member_ids };
  }
}
