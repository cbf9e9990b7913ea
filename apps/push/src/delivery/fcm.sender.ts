import { Inject, Injectable } from '@nestjs/common';
import { PUSH_SETTINGS, type PushSettings } from '../common/push.settings';
import { FcmTokenProvider } from './fcm-token.provider';
import { PushHttpClient } from './push-http.client';
import { resultOfStatus, type SendResult } from './send-result';
import type { PushOptions } from './web-push.sender';

export interface PushContent {
  type: 'message' | 'notification';
  eventId: string;
  title: string;
  body: string;
  url: string;
}

/**
 * FCM HTTP v1 `messages:send` (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages).
 * The push is both a `notification` (shown by the OS) and `data` (the same fields as Web Push);
 * the topic becomes Android's `collapse_key` and APNs' `apns-collapse-id`.
 */
@Injectable()
export class FcmSender {
  constructor(
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    private readonly tokens: FcmTokenProvider,
    private readonly http: PushHttpClient,
  ) {}

  async send(fcmToken: string, content: PushContent, options: PushOptions): Promise<SendResult> {
    const fcm = this.settings.fcm;
    if (!fcm) return { kind: 'rejected', status: 0, reason: 'FCM is not configured' };
    const message = {
      message: {
        token: fcmToken,
        notification: { title: content.title, body: content.body },
        data: {
          type: content.type,
          eventId: content.eventId,
          title: content.title,
          body: content.body,
          url: content.url,
        },
        android: {
          collapse_key: options.topic,
          priority: options.urgency === 'high' ? 'high' : 'normal',
          ttl: `${options.ttl}s`,
        },
        apns: {
          headers: {
            'apns-collapse-id': options.topic,
            'apns-priority': options.urgency === 'high' ? '10' : '5',
            'apns-expiration': String(Math.floor(Date.now() / 1000) + options.ttl),
          },
        },
      },
    };
    try {
      const bearer = await this.tokens.token();
      const res = await this.http.post(
        `${fcm.endpoint}/v1/projects/${encodeURIComponent(fcm.projectId)}/messages:send`,
        { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        JSON.stringify(message),
      );
      if (res.status === 401) {
        this.tokens.invalidate();
        return { kind: 'retry', reason: 'HTTP 401 (access token refreshed)' };
      }
      return resultOfStatus(res.status, res.headers['retry-after'], res.body);
    } catch (err) {
      return { kind: 'retry', reason: (err as Error).message };
    }
  }
}
