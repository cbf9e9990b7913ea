import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { domainAppUrl, PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { DomainError, domainCodeForStatus, internalHeaders } from '@plaza/platform';
import {
  COMMAND_BATCH_MAX,
  COMMAND_CHANNEL_HEADER,
  COMMAND_CHANNEL_PATH,
  type CommandOutcome,
  commandChannelKey,
  type MessagePayload,
  type SendCommand,
} from '@plaza/realtime';
import { Pool } from 'undici';

/** A domain app's error answer as the DomainError it was raised as (5xx and unknown: `unavailable`). */
function answeredError(status: number, message: string | string[] | undefined): DomainError {
  const text = Array.isArray(message) ? message.join('; ') : message || 'Request failed';
  return new DomainError(domainCodeForStatus(status) ?? 'unavailable', text);
}

/** Command-channel requests in flight at once; what arrives meanwhile goes in the next one. */
const CHANNEL_IN_FLIGHT = 4;
/** Under the apps' 64 KiB body limit; one command alone is always under it (text ≤ 4,000 characters). */
const CHANNEL_BODY_BUDGET = 56 * 1024;

interface QueuedSend {
  /** The command as JSON, and its size in bytes (counted against CHANNEL_BODY_BUDGET). */
  json: string;
  bytes: number;
  resolve: (message: MessagePayload) => void;
  reject: (err: DomainError) => void;
}

/**
 * Socket commands owned by a domain app go to that app over a keep-alive pool with bounded
 * timeouts; the app's error answer becomes the DomainError it was raised as. `message:send` goes
 * over messaging's command channel: the sends of every socket on this gateway that arrive in one
 * turn of the event loop, or while CHANNEL_IN_FLIGHT requests are out, travel in one request (one
 * HTTP exchange for many messages, no token check per message); the other commands go to the
 * REST API with the caller's token.
 */
@Injectable()
export class CommandForwarder implements OnApplicationShutdown {
  private readonly logger = new Logger(CommandForwarder.name);
  private readonly messaging: Pool;
  private readonly channelKey: string;
  private queue: QueuedSend[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(@Inject(PLAZA_CONFIG) private readonly config: PlazaConfig) {
    this.channelKey = commandChannelKey(config.JWT_SECRET ?? '');
    this.messaging = new Pool(domainAppUrl(config, 'messaging'), {
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
      throw new DomainError('unavailable', 'The messaging service is unavailable, retry shortly');
    }
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (statusCode < 300) return parsed as T;
    throw answeredError(statusCode, (parsed as { message?: string | string[] } | undefined)?.message);
  }

  /** Stores a message through messaging's command channel; resolves with the stored message. */
  sendMessage(command: SendCommand): Promise<MessagePayload> {
    return new Promise((resolve, reject) => {
      const json = JSON.stringify(command);
      this.queue.push({ json, bytes: Buffer.byteLength(json), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < CHANNEL_IN_FLIGHT && this.queue.length) {
      let count = 0;
      let bytes = 0;
      while (count < this.queue.length && count < COMMAND_BATCH_MAX) {
        bytes += this.queue[count].bytes + 1;
        if (count > 0 && bytes > CHANNEL_BODY_BUDGET) break;
        count++;
      }
      const batch = this.queue.splice(0, count);
      this.inFlight++;
      void this.postBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async postBatch(batch: QueuedSend[]): Promise<void> {
    let outcomes: CommandOutcome[];
    try {
      const res = await this.messaging.request({
        method: 'POST',
        path: COMMAND_CHANNEL_PATH,
        headers: {
          ...internalHeaders(this.config),
          [COMMAND_CHANNEL_HEADER]: this.channelKey,
          'content-type': 'application/json',
        },
        body: `{"commands":[${batch.map((b) => b.json).join(',')}]}`,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`command channel answered ${res.statusCode}: ${text.slice(0, 200)}`);
      outcomes = (JSON.parse(text) as { outcomes: CommandOutcome[] }).outcomes;
      if (outcomes.length !== batch.length) throw new Error('command channel answered a different number of outcomes');
    } catch (err) {
      this.logger.warn(`messaging command channel failed: ${(err as Error).message}`);
      const failure = new DomainError('unavailable', 'The messaging service is unavailable, retry shortly');
      for (const { reject } of batch) reject(failure);
      return;
    }
    outcomes.forEach((outcome, i) => {
      if ('message' in outcome) batch[i].resolve(outcome.message);
      else batch[i].reject(answeredError(outcome.status, outcome.error.message));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging.close();
  }
}
