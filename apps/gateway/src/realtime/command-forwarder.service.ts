import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { internalHeaders } from '@plaza/http';
import type { SocketErrorCode } from '@plaza/realtime';
import { Pool } from 'undici';
import { upstreamUrl } from '../proxy/upstream-routes';
import { AckError } from './socket-ack';

const CODES: Record<number, SocketErrorCode> = {
  400: 'bad_request',
  401: 'forbidden',
  403: 'forbidden',
  404: 'not_found',
  409: 'bad_request',
  413: 'bad_request',
  429: 'rate_limited',
};

/**
 * Socket commands owned by a domain app go to that app's REST API with the caller's token, over a
 * keep-alive pool with bounded timeouts; the app's status becomes the ack's error code.
 */
@Injectable()
export class CommandForwarder implements OnApplicationShutdown {
  private readonly logger = new Logger(CommandForwarder.name);
  private readonly messaging: Pool;

  constructor(@Inject(PLAZA_CONFIG) private readonly config: PlazaConfig) {
    this.messaging = new Pool(upstreamUrl(config, 'messaging'), {
      connections: 64,
      keepAliveTimeout: 30_000,
      headersTimeout: config.UPSTREAM_TIMEOUT_MS,
      bodyTimeout: config.UPSTREAM_TIMEOUT_MS,
    });
  }

  async postToMessaging<T>(path: string, token: string, body: unknown, clientIp: string): Promise<T | undefined> {
    let statusCode: number;
    let text: string;
    try {
      const res = await this.messaging.request({
        method: 'POST',
        path,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...internalHeaders(this.config, clientIp),
        },
        body: JSON.stringify(body),
      });
      statusCode = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      this.logger.warn(`messaging unreachable: ${(err as Error).message}`);
      throw new AckError('internal', 'The messaging service is unavailable, retry shortly');
    }
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (statusCode < 300) return parsed as T;
    const message = (parsed as { message?: string | string[] } | undefined)?.message;
    throw new AckError(
      CODES[statusCode] ?? 'internal',
      Array.isArray(message) ? message.join('; ') : (message ?? 'Request failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging.close();
  }
}
