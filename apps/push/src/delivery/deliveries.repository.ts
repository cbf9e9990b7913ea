import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@plaza/database';

/** What the event handler stored about the event; the push text is made at delivery (previews, names). */
export type DeliveryContent =
  { conversationId: string; text: string } | { notificationType: string; subjectId: string | null };

export interface NewDelivery {
  userIds: readonly string[];
  topic: string;
  type: 'message' | 'notification';
  /** The message id or notification id: `eventId` of the push payload. */
  eventId: string;
  actorId: string | null;
  content: DeliveryContent;
  /** How long to wait for more events of the same topic before pushing. */
  collapseMs: number;
  /** When the event happened (outbox `occurred_at`): subscriptions made later do not get it. */
  occurredAt: string;
}

/** A claimed delivery with its subscription. */
export interface DueDelivery {
  id: string;
  subscription_id: string;
  user_id: string;
  topic: string;
  type: 'message' | 'notification';
  event_id: string;
  actor_id: string | null;
  content: DeliveryContent;
  events: number;
  attempts: number;
  held_by: string[] | null;
  kind: 'webpush' | 'fcm';
  session_id: string | null;
  endpoint: string | null;
  p256dh: string | null;
  auth: string | null;
  fcm_token: string | null;
}

/**
 * The queue of pushes: one pending row per subscription and topic (later events of the topic
 * update it: a burst becomes one push with the latest content), claimed with a lease by one
 * dispatcher at a time (SKIP LOCKED), deleted when done.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * In the event handler's transaction: one row per subscription of `userIds` made before the
   * event happened (none: nothing). A browser that subscribes while the consumer lags is not
   * pushed what happened before it subscribed; both times come from PostgreSQL's clock.
   */
  async enqueue(manager: EntityManager, d: NewDelivery): Promise<void> {
    if (!d.userIds.length) return;
    await manager.query(
      `INSERT INTO push.deliveries (subscription_id, user_id, topic, type, event_id, actor_id, content, due_at)
       SELECT s.id, s.user_id, $2, $3, $4, $5, $6::jsonb, now() + make_interval(secs => $7::float8 / 1000)
         FROM push.subscriptions s
        WHERE s.user_id = ANY($1::uuid[]) AND ($8::timestamptz IS NULL OR s.created_at <= $8::timestamptz)
       ON CONFLICT (subscription_id, topic) WHERE claimed_until IS NULL DO UPDATE
          SET type = EXCLUDED.type, event_id = EXCLUDED.event_id, actor_id = EXCLUDED.actor_id,
              content = EXCLUDED.content, events = push.deliveries.events + 1,
              -- A push held back while the user was online is due again with this new event.
              due_at = CASE WHEN push.deliveries.held_by IS NULL THEN push.deliveries.due_at
                            ELSE LEAST(push.deliveries.due_at, EXCLUDED.due_at) END,
              held_by = NULL`,
      [d.userIds, d.topic, d.type, d.eventId, d.actorId, JSON.stringify(d.content), d.collapseMs, d.occurredAt || null],
    );
  }

  /** Claims up to `limit` due rows for `leaseMs` (a crashed dispatcher's rows come back after it). */
  async claimDue(limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const result: unknown = await this.dataSource.query(
      `UPDATE push.deliveries d SET claimed_until = now() + make_interval(secs => $2::float8 / 1000)
         FROM push.subscriptions s
        WHERE s.id = d.subscription_id
          AND d.id IN (SELECT id FROM push.deliveries
                        WHERE due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                        ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.subscription_id, d.user_id, d.topic, d.type, d.event_id, d.actor_id, d.content, d.events,
                  d.attempts, d.held_by, s.kind, s.session_id, s.endpoint, s.p256dh, s.auth, s.fcm_token`,
      [limit, leaseMs],
    );
    return rowsOf<DueDelivery>(result);
  }

  async done(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM push.deliveries WHERE id = $1`, [id]);
  }

  /**
   * Puts a claimed row back, due at `dueAt` (a retry, or a recheck of a held push). When a newer
   * event of the topic queued a row meanwhile, that row carries on instead; a retry makes it wait
   * until `dueAt` too (the push service asked us to slow down).
   */
  async release(
    row: DueDelivery,
    dueAt: Date,
    patch: { attempts?: number; heldBy?: string[] | null },
    deferNewer: boolean,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const newer: unknown = await manager.query(
        `UPDATE push.deliveries SET due_at = CASE WHEN $5 THEN GREATEST(due_at, $3) ELSE due_at END,
                attempts = GREATEST(attempts, $4)
          WHERE subscription_id = $1 AND topic = $2 AND claimed_until IS NULL RETURNING 1`,
        [row.subscription_id, row.topic, dueAt, patch.attempts ?? row.attempts, deferNewer],
      );
      if (rowsOf(newer).length) await manager.query(`DELETE FROM push.deliveries WHERE id = $1`, [row.id]);
      else
        await manager.query(
          `UPDATE push.deliveries SET claimed_until = NULL, due_at = $2, attempts = $3, held_by = $4 WHERE id = $1`,
          [row.id, dueAt, patch.attempts ?? row.attempts, patch.heldBy === undefined ? row.held_by : patch.heldBy],
        );
    });
  }

  async pending(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM push.deliveries`);
    return Number(row.n);
  }
}
