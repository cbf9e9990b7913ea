import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionStore } from '@plaza/identity';
import { SafetyGraph } from '@plaza/realtime';
import { PUSH_SETTINGS, type PushSettings } from '../common/push.settings';
import { GraphRepository } from '../graph/graph.repository';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { DeliveriesRepository, type DueDelivery } from './deliveries.repository';
import { FcmSender } from './fcm.sender';
import { pushContent } from './push-content';
import { type PushChannel, PushMetrics, type SendOutcome } from './push.metrics';
import { PresenceReader } from './presence.reader';
import type { SendResult } from './send-result';
import { type PushOptions, WebPushSender } from './web-push.sender';

/** Slack after a gateway's heartbeat TTL before a held push is rechecked. */
const RECHECK_SLACK_MS = 1000;
const TTL_SECONDS = 24 * 3600;

/**
 * Sends the queued pushes that are due, at most PUSH_CONCURRENCY requests at a time, each bounded
 * by PUSH_TIMEOUT_MS. For each: the subscription's session must still be signed in, no block may
 * stand between the user and the sender, and the user must have no socket on a live gateway.
 * A user who is online is held back once and rechecked after the holding gateways' heartbeat
 * TTL: if one of them died meanwhile (SIGKILL) and the user has not come back, the push goes out.
 * Outcomes: 2xx done; 404/410 subscription deleted; 429/5xx/timeouts retried with exponential
 * backoff, never before Retry-After, until PUSH_MAX_ATTEMPTS; anything else dropped.
 */
@Injectable()
export class PushDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushDispatcher.name);
  private running = false;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private wake?: () => void;
  private lastWarn = 0;

  constructor(
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    private readonly deliveries: DeliveriesRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly graph: GraphRepository,
    private readonly presence: PresenceReader,
    private readonly sessions: SessionStore,
    private readonly webPush: WebPushSender,
    private readonly fcm: FcmSender,
    private readonly metrics: PushMetrics,
    private readonly safety: SafetyGraph,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    // Requests in flight finish (each is bounded by the timeout); unfinished rows come back after their lease.
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        const free = this.settings.concurrency - this.inFlight.size;
        if (free > 0) {
          // The lease outlives a request's timeout, so a row in flight is never claimed twice.
          const rows = await this.deliveries.claimDue(free, this.settings.timeoutMs * 2 + 5000);
          claimed = rows.length;
          if (rows.length) await this.dispatch(rows);
        }
      } catch (err) {
        this.warn(`dispatch pass failed: ${(err as Error).message}`);
      }
      if (!claimed || this.inFlight.size >= this.settings.concurrency) await this.idle();
    }
  }

  /** Until the poll interval passes or a request finishes (a slot is free). */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.settings.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async dispatch(rows: DueDelivery[]): Promise<void> {
    const ended = await this.sessions.endedAmong(rows.flatMap((r) => (r.session_id ? [r.session_id] : [])));
    const endedSubs = [
      ...new Set(rows.filter((r) => r.session_id && ended.has(r.session_id)).map((r) => r.subscription_id)),
    ];
    if (endedSubs.length) {
      // Deleting the subscription deletes its queued pushes too.
      await this.subscriptions.deleteMany(endedSubs);
      this.metrics.skipped.inc(
        { reason: 'session_ended' },
        rows.filter((r) => endedSubs.includes(r.subscription_id)).length,
      );
    }
    const live = rows.filter((r) => !endedSubs.includes(r.subscription_id));
    const blocked = await this.blockedRows(live);
    const presence = await this.presence.read(live.map((r) => r.user_id));
    const toSend: DueDelivery[] = [];
    for (const row of live) {
      if (blocked.has(row)) {
        this.metrics.skipped.inc({ reason: 'blocked' });
        await this.deliveries.done(row.id);
        continue;
      }
      const state = presence.get(row.user_id)!;
      if (state.liveInstances.length || row.held_by) {
        if (await this.heldBack(row, state.liveInstances, state.aliveForMs)) continue;
      }
      toSend.push(row);
    }
    if (!toSend.length) return;
    const users = [...new Set(toSend.map((r) => r.user_id))];
    const [names, previews] = await Promise.all([
      this.graph.displayNames(toSend.flatMap((r) => (r.actor_id ? [r.actor_id] : []))),
      Promise.all(users.map(async (u) => [u, await this.subscriptions.previews(u)] as const)).then((e) => new Map(e)),
    ]);
    for (const row of toSend) {
      const content = pushContent(
        row,
        row.actor_id ? names.get(row.actor_id) : undefined,
        previews.get(row.user_id) ?? true,
      );
      const task = this.send(row, JSON.stringify(content), content).finally(() => {
        this.inFlight.delete(task);
        this.wake?.();
      });
      this.inFlight.add(task);
    }
  }

  /**
   * The one place blocks are checked: a push whose sender (or notification actor) and recipient
   * are blocked either way is never sent. Read from the safety graph profiles writes before a
   * block answers (`@plaza/realtime` SafetyGraph), so a block made a moment ago counts; while
   * that graph is being rebuilt this throws and the pushes wait (fail closed).
   */
  private async blockedRows(rows: DueDelivery[]): Promise<Set<DueDelivery>> {
    const byUser = new Map<string, DueDelivery[]>();
    for (const row of rows) if (row.actor_id) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row]);
    const blocked = new Set<DueDelivery>();
    await Promise.all(
      [...byUser].map(async ([userId, mine]) => {
        const among = await this.safety.blockedAmong(userId, [...new Set(mine.map((r) => r.actor_id!))]);
        for (const row of mine) if (among.has(row.actor_id!)) blocked.add(row);
      }),
    );
    return blocked;
  }

  /**
   * True when the push is not sent now. Online at first sight: held until the holding gateways'
   * heartbeats would have expired, then rechecked. At the recheck: if every gateway that held the
   * user is still alive, the user had a socket all along (skipped); if one died and the user has
   * no socket on a live gateway, it is sent.
   */
  private async heldBack(row: DueDelivery, liveInstances: string[], aliveForMs: number): Promise<boolean> {
    if (!row.held_by) {
      const recheckAt = new Date(Date.now() + aliveForMs + RECHECK_SLACK_MS);
      await this.deliveries.release(row, recheckAt, { heldBy: liveInstances }, false);
      return true;
    }
    const stillAlive = await this.presence.alive(row.held_by);
    if (stillAlive.size === row.held_by.length || liveInstances.length) {
      this.metrics.skipped.inc({ reason: 'online' });
      await this.deliveries.done(row.id);
      return true;
    }
    return false;
  }

  private async send(row: DueDelivery, payload: string, content: ReturnType<typeof pushContent>): Promise<void> {
    const channel: PushChannel = row.kind;
    const options: PushOptions = {
      ttl: TTL_SECONDS,
      urgency: row.type === 'message' ? 'high' : 'normal',
      topic: row.topic,
    };
    const stop = this.metrics.requestSeconds.startTimer({ channel });
    this.metrics.inFlight.inc();
    let result: SendResult;
    try {
      result =
        row.kind === 'webpush'
          ? await this.webPush.send({ endpoint: row.endpoint!, p256dh: row.p256dh!, auth: row.auth! }, payload, options)
          : await this.fcm.send(row.fcm_token!, content, options);
    } catch (err) {
      result = { kind: 'retry', reason: (err as Error).message };
    } finally {
      stop();
      this.metrics.inFlight.dec();
    }
    try {
      await this.settle(row, channel, result);
    } catch (err) {
      this.warn(`recording the outcome of push ${row.id} failed: ${(err as Error).message}`);
    }
  }

  private async settle(row: DueDelivery, channel: PushChannel, result: SendResult): Promise<void> {
    const count = (outcome: SendOutcome) => this.metrics.deliveries.inc({ channel, outcome });
    switch (result.kind) {
      case 'sent':
        count('sent');
        await this.deliveries.done(row.id);
        return;
      case 'gone':
        count('gone');
        await this.subscriptions.deleteMany([row.subscription_id]);
        return;
      case 'rejected':
        count('rejected');
        this.warn(`push ${row.id} (${channel}) rejected: ${result.reason}`);
        await this.deliveries.done(row.id);
        return;
      case 'retry': {
        const attempts = row.attempts + 1;
        if (attempts >= this.settings.maxAttempts) {
          count('gave_up');
          this.warn(`push ${row.id} (${channel}) given up after ${attempts} attempts: ${result.reason}`);
          await this.deliveries.done(row.id);
          return;
        }
        count('retried');
        const backoff = this.settings.retryBaseMs * 2 ** (attempts - 1);
        const delay = Math.min(Math.max(backoff, result.retryAfterMs ?? 0), this.settings.retryMaxMs);
        await this.deliveries.release(row, new Date(Date.now() + delay), { attempts, heldBy: null }, true);
        return;
      }
    }
  }

  private warn(message: string): void {
    if (Date.now() - this.lastWarn < 2000) return;
    this.lastWarn = Date.now();
    this.logger.warn(message);
  }
}
