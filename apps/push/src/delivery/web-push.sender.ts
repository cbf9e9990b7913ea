import { Inject, Injectable } from '@nestjs/common';
import { generateRequestDetails } from 'web-push';
import { PUSH_SETTINGS, type PushSettings } from '../common/push.settings';
import { validBrowserKey } from '../subscriptions/endpoint-origins';
import { PushHttpClient } from './push-http.client';
import { resultOfStatus, type SendResult } from './send-result';

export interface WebPushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushOptions {
  /** Seconds the push service keeps it for an unreachable device. */
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces an undelivered push with the same topic (≤ 32 base64url characters). */
  topic: string;
}

/**
 * Web Push: the `web-push` library encrypts the payload (RFC 8291, aes128gcm) and signs the VAPID
 * JWT (RFC 8292), and builds the `TTL`, `Urgency` and `Topic` headers (RFC 8030); the request itself
 * goes through PushHttpClient (web-push's own sender only speaks https with no overall timeout).
 */
@Injectable()
export class WebPushSender {
  constructor(
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    private readonly http: PushHttpClient,
  ) {}

  async send(target: WebPushTarget, payload: string, options: PushOptions): Promise<SendResult> {
    const vapid = this.settings.vapid;
    if (!vapid) return { kind: 'rejected', status: 0, reason: 'Web Push is not configured (VAPID keys)' };
    // Keys the browser gave that ECDH refuses: this subscription can never work.
    if (!validBrowserKey(target.p256dh)) return { kind: 'gone', status: 0 };
    let details: ReturnType<typeof generateRequestDetails>;
    try {
      details = generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        payload,
        {
          vapidDetails: vapid,
          TTL: options.ttl,
          urgency: options.urgency,
          topic: options.topic,
          contentEncoding: 'aes128gcm',
        },
      );
    } catch (err) {
      return { kind: 'rejected', status: 0, reason: `cannot build the request: ${(err as Error).message}` };
    }
    const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)]));
    try {
      const res = await this.http.post(details.endpoint, headers, details.body ?? Buffer.alloc(0));
      return resultOfStatus(res.status, res.headers['retry-after'], res.body);
    } catch (err) {
      return { kind: 'retry', reason: (err as Error).message };
    }
  }
}
