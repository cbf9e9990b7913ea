import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import { type Principal, SessionStore } from '@plaza/identity';
import { PUSH_SETTINGS, type PushSettings } from '../common/push.settings';
import type { CreateSubscriptionDto } from './dto/create-subscription.dto';
import type { SubscriptionDto } from './dto/subscription.dto';
import { endpointAllowed, validBrowserKey } from './endpoint-origins';
import { type SubscriptionRow, SubscriptionsRepository } from './subscriptions.repository';

const unavailable = (what: string) =>
  new DomainError('unavailable', `${what} is not configured on this server`, { reason: 'push_unavailable' });

/** The caller's push subscriptions and settings. */
@Injectable()
export class SubscriptionsService {
  constructor(
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly sessions: SessionStore,
  ) {}

  /** 503 `push_unavailable` when no VAPID keys are configured. */
  vapidPublicKey(): { publicKey: string } {
    if (!this.settings.vapid) throw unavailable('Web Push');
    return { publicKey: this.settings.vapid.publicKey };
  }

  /**
   * 400 `bad_request` for a body that is neither form, 400 `endpoint_not_allowed` for an endpoint
   * outside PUSH_ENDPOINT_ORIGINS, 503 `push_unavailable` when that kind of push is off.
   */
  async subscribe(caller: Principal, dto: CreateSubscriptionDto): Promise<{ dto: SubscriptionDto; created: boolean }> {
    const webpush = dto.endpoint !== undefined || dto.keys !== undefined;
    if (webpush === (dto.fcmToken !== undefined))
      throw new DomainError('bad_request', 'Send either a PushSubscription {endpoint, keys} or {fcmToken, platform}');
    const base = { id: randomUUID(), user_id: caller.userId, session_id: caller.sessionId };
    let row: Omit<SubscriptionRow, 'created_at'>;
    if (webpush) {
      if (!this.settings.vapid) throw unavailable('Web Push');
      if (!endpointAllowed(dto.endpoint!, this.settings.endpointOrigins))
        throw new DomainError('bad_request', 'This push service is not allowed (PUSH_ENDPOINT_ORIGINS)', {
          reason: 'endpoint_not_allowed',
        });
      if (!validBrowserKey(dto.keys!.p256dh))
        throw new DomainError('bad_request', 'keys.p256dh is not a P-256 public key');
      row = {
        ...base,
        kind: 'webpush',
        endpoint: dto.endpoint!,
        p256dh: dto.keys!.p256dh,
        auth: dto.keys!.auth,
        fcm_token: null,
        platform: null,
      };
    } else {
      if (!this.settings.fcm) throw unavailable('FCM');
      row = {
        ...base,
        kind: 'fcm',
        endpoint: null,
        p256dh: null,
        auth: null,
        fcm_token: dto.fcmToken!,
        platform: dto.platform!,
      };
    }
    const { row: stored, created } = await this.subscriptions.upsert(row);
    return { dto: subscriptionView(stored), created };
  }

  /** The caller's subscriptions; those whose session has ended are deleted first. */
  async list(caller: Principal): Promise<SubscriptionDto[]> {
    const rows = await this.subscriptions.listForUser(caller.userId);
    const ended = await this.sessions.endedAmong(rows.flatMap((r) => (r.session_id ? [r.session_id] : [])));
    const gone = rows.filter((r) => r.session_id && ended.has(r.session_id));
    await this.subscriptions.deleteMany(gone.map((r) => r.id));
    return rows.filter((r) => !gone.includes(r)).map(subscriptionView);
  }

  /** 404 `not_found` unless it is one of the caller's. */
  async unsubscribe(caller: Principal, id: string): Promise<void> {
    if (!(await this.subscriptions.deleteOwned(id, caller.userId)))
      throw new DomainError('not_found', 'Subscription not found');
  }

  async setPreviews(caller: Principal, previews: boolean): Promise<{ previews: boolean }> {
    await this.subscriptions.setPreviews(caller.userId, previews);
    return { previews };
  }
}

export function subscriptionView(row: SubscriptionRow): SubscriptionDto {
  return {
    id: row.id,
    kind: row.kind,
    ...(row.endpoint ? { origin: new URL(row.endpoint).origin } : {}),
    ...(row.platform ? { platform: row.platform } : {}),
    createdAt: row.created_at.toISOString(),
  };
}
