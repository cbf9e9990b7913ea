import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EVENT_CATALOGUE } from '@plaza/events';
import type { DataSource, QueryRunner } from 'typeorm';
import type { MessageDto } from './dto/message.dto';

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  text: string;
  clientMsgId: string;
}

export type InsertOutcome =
  | { kind: 'stored'; message: MessageDto; memberIds: string[] }
  /** The sender already used this clientMsgId in this conversation (nothing was stored). */
  | { kind: 'duplicate' }
  /** Not stored: no such conversation, the sender is not a member, or a block stands in a direct conversation. */
  | { kind: 'refused' };

export interface MessageRange {
  /** Exclusive lower bound (0: none). */
  after: number;
  /** Exclusive upper bound (0: none). */
  before: number;
  /** `forward`: the oldest messages of the range first; `backward`: the newest of the range. */
  direction: 'forward' | 'backward';
  limit: number;
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
 * The one statement that stores a message. Autocommitted, so the seq increment, the insert and
 * the `message.created` outbox event commit together or not at all (a duplicate clientMsgId aborts both: no gap). The row lock the
 * UPDATE takes serialises senders of one conversation. Before the statement commits it also takes
 * a session-level advisory lock on the conversation, held past the commit until the caller has
 * pushed the message: the next sender, still holding the row lock, waits for it, so messages of
 * one conversation reach the realtime log in seq order on every instance, and always after their
 * commit.
 */
const INSERT_NEXT = `
WITH s AS (
  UPDATE messaging.conversations c
     SET last_seq = c.last_seq + 1, last_activity_at = clock_timestamp()
   WHERE c.id = $1
     AND EXISTS (SELECT 1 FROM messaging.conversation_members m WHERE m.conversation_id = $1 AND m.user_id = $2 AND m.left_at IS NULL)
     AND NOT (c.type = 'direct' AND EXISTS (
       SELECT 1 FROM messaging.blocks b
        WHERE b.active AND ((b.blocker_id = c.direct_low AND b.blocked_id = c.direct_high) OR (b.blocker_id = c.direct_high AND b.blocked_id = c.direct_low))))
  RETURNING c.last_seq, c.last_activity_at
), ins AS (
  INSERT INTO messaging.messages (id, conversation_id, seq, sender_id, text, client_msg_id, created_at)
  SELECT $3, $1, s.last_seq, $2, $4, $5, s.last_activity_at FROM s
  RETURNING ${COLUMNS}
), mem AS (
  SELECT ARRAY(SELECT m.user_id FROM messaging.conversation_members m WHERE m.conversation_id = $1 AND m.left_at IS NULL)::text[] AS ids
), ob AS (
  -- The outbox event of the message, in the same statement (so the same transaction) as the insert.
  INSERT INTO messaging.outbox_events (id, name, version, payload)
  SELECT gen_random_uuid(), 'message.created', $6, jsonb_build_object(
           'messageId', ins.id, 'conversationId', ins.conversation_id, 'seq', ins.seq, 'senderId', ins.sender_id,
           'memberIds', to_jsonb(mem.ids), 'text', ins.text,
           'createdAt', to_char(ins.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    FROM ins, mem
)
SELECT ins.*,
       pg_advisory_lock(hashtextextended('plaza-messaging-order:' || ins.conversation_id::text, 0)) AS ordered,
       mem.ids AS member_ids
  FROM ins, mem`;

@Injectable()
export class MessagesRepository {
  private readonly logger = new Logger(MessagesRepository.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores the next message of the conversation and, when stored, runs `afterCommit` (the push)
   * while this conversation's delivery order is held; see INSERT_NEXT. `afterCommit` must not
   * throw (it is the caller's job to log push failures: the message stays stored).
   */
  async insertNext(
    message: NewMessage,
    afterCommit: (outcome: InsertOutcome & { kind: 'stored' }) => Promise<void>,
  ): Promise<InsertOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let outcome: InsertOutcome;
    try {
      const result = await runner.query(
        INSERT_NEXT,
        [
          message.conversationId,
          message.senderId,
          message.id,
          message.text,
          message.clientMsgId,
          EVENT_CATALOGUE['message.created'].version,
        ],
        true,
      );
      const rows = result.records as Array<MessageRow & { member_ids: string[] }>;
      outcome = rows.length
        ? { kind: 'stored', message: toMessage(rows[0]), memberIds: rows[0].member_ids }
        : { kind: 'refused' };
    } catch (err) {
      const driverError = (err as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (driverError?.code !== UNIQUE_VIOLATION || driverError.constraint !== 'messages_client_msg_id') {
        this.unlockAndRelease(runner);
        throw err;
      }
      outcome = { kind: 'duplicate' };
    }
    if (outcome.kind === 'stored') {
      try {
        await afterCommit(outcome);
      } finally {
        this.unlockAndRelease(runner);
      }
    } else {
      this.unlockAndRelease(runner);
    }
    return outcome;
  }

  /**
   * Off the answer's path: the next sender waits for it, this one does not. A connection whose
   * unlock failed is destroyed rather than pooled, so no lock can outlive it.
   */
  private unlockAndRelease(runner: QueryRunner): void {
    const release = (
      runner as unknown as { releasePostgresConnection?: (err?: Error) => Promise<void> }
    ).releasePostgresConnection?.bind(runner);
    runner
      .query('SELECT pg_advisory_unlock_all()')
      .then(
        () => runner.release(),
        (err: unknown) => {
          this.logger.error(`advisory unlock failed, dropping the connection: ${String(err)}`);
          return release ? release(err instanceof Error ? err : new Error(String(err))) : runner.release();
        },
      )
      .catch((err: unknown) => this.logger.error(`releasing a connection failed: ${String(err)}`));
  }

  async findByClientMsgId(conversationId: string, senderId: string, clientMsgId: string): Promise<MessageDto | null> {
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messaging.messages WHERE conversation_id = $1 AND sender_id = $2 AND client_msg_id = $3`,
      [conversationId, senderId, clientMsgId],
    );
    return rows.length ? toMessage(rows[0]) : null;
  }

  /** One page of a conversation's messages, returned in increasing seq order; `limit + 1` rows tell whether more exist. */
  async range(conversationId: string, range: MessageRange): Promise<{ items: MessageDto[]; more: boolean }> {
    const forward = range.direction === 'forward';
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messaging.messages
        WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint = 0 OR seq < $3)
        ORDER BY seq ${forward ? 'ASC' : 'DESC'} LIMIT $4`,
      [conversationId, range.after, range.before, range.limit + 1],
    );
    const more = rows.length > range.limit;
    const page = rows.slice(0, range.limit).map(toMessage);
    if (!forward) page.reverse();
    return { items: page, more };
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
