import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { PUSH_SETTINGS, type PushSettings } from '../common/push.settings';

export interface PushHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * The one way the push app talks to push services and token endpoints: a keep-alive agent of its
 * own, no redirects followed (an allowed endpoint cannot bounce us elsewhere), every request
 * bounded by PUSH_TIMEOUT_MS from connect to the last byte of the answer.
 */
@Injectable()
export class PushHttpClient implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(@Inject(PUSH_SETTINGS) private readonly settings: PushSettings) {
    this.agent = new Agent({
      connect: { timeout: settings.timeoutMs },
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  async post(url: string, headers: Record<string, string>, body: string | Buffer): Promise<PushHttpResponse> {
    const res = await request(url, {
      method: 'POST',
      headers,
      body,
      dispatcher: this.agent,
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    // Answers are small; more than 64 KiB is not worth reading.
    let text = '';
    for await (const chunk of res.body) {
      if (text.length < 65_536) text += (chunk as Buffer).toString();
    }
    return { status: res.statusCode, headers: res.headers, body: text };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}
