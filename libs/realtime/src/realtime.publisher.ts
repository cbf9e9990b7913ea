import { Emitter } from '@socket.io/redis-emitter';
import { type Redis, socketIoKey } from '@plaza/redis';
import { encode } from 'notepack.io';
import {
  APPEND_AND_PUBLISH_LUA,
  EVENT_ID_PLACEHOLDER,
  eventLogKey,
  LOG_HARD_CAP,
  LOG_IDLE_TTL_SECONDS,
  LOG_MIN_AGE_MS,
  LOG_MIN_EVENTS,
  messageOrderKey,
  ORDERED_APPEND_LUA,
} from './event-log';
import {
  type DurableEventName,
  type MessagePayload,
  type DurableEvents,
  type EphemeralEventName,
  type EphemeralEvents,
  userRoom,
} from './realtime-events';

/** What the log stores per entry: the event, its payload, and the session it targets if any. */
export interface LoggedEvent {
  e: DurableEventName;
  p: unknown;
  s?: string;
}

const PACKET_EVENT = 2;
const EMITTER_UID = 'emitter';

type RedisWithScript = Redis & {
  plazaAppendPublish(key: string, ...args: (string | Buffer | number)[]): Promise<string>;
  plazaOrderedAppend(...keysAndArgs: (string | Buffer | number)[]): Promise<string[] | 'wait'>;
};

/** One stored message for `pushMessages`. */
export interface MessagePush {
  message: MessagePayload;
  memberIds: readonly string[];
  /** Append even if seq - 1 is not recorded as pushed (the caller pushed it, or waited long enough). */
  force: boolean;
}

/** `pushed`: in every member's log and published; `wait`: seq - 1 not pushed yet, nothing written. */
export type MessagePushResult = 'pushed' | 'wait' | Error;

/**
 * How every app reaches users' sockets. Durable events are appended to the user's log and
 * published to the gateways in one atomic script per user (all users of one push go in one
 * pipeline); ephemeral ones only go through the socket.io emitter.
 */
export class RealtimePublisher {
  private readonly redis: RedisWithScript;
  private readonly emitter: Emitter;
  private readonly channelPrefix: string;

  /** `redis` must be a regular (non-subscriber) client. */
  constructor(redis: Redis, redisUrl: string) {
    const key = socketIoKey(redisUrl);
    this.emitter = new Emitter(redis, { key });
    this.channelPrefix = `${key}#/#`;
    if (!(redis as unknown as Partial<RedisWithScript>).plazaAppendPublish) {
      redis.defineCommand('plazaAppendPublish', { numberOfKeys: 1, lua: APPEND_AND_PUBLISH_LUA });
    }
    if (!(redis as unknown as Partial<RedisWithScript>).plazaOrderedAppend) {
      // The number of keys (1 + members) is given per call.
      redis.defineCommand('plazaOrderedAppend', { lua: ORDERED_APPEND_LUA });
    }
    this.redis = redis as unknown as RedisWithScript;
  }

  /** Appends `event` to each user's log and delivers it live; resolves with each user's eventId. */
  async pushDurable<E extends DurableEventName>(
    userIds: readonly string[],
    event: E,
    payload: DurableEvents[E],
    options: { sessionId?: string } = {},
  ): Promise<Map<string, string>> {
    const unique = [...new Set(userIds)];
    if (!unique.length) return new Map();
    const logged: LoggedEvent = { e: event, p: payload, ...(options.sessionId ? { s: options.sessionId } : {}) };
    const entry = JSON.stringify(logged);
    const pipeline = this.redis.pipeline() as unknown as RedisWithScript & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const userId of unique) {
      const room = options.sessionId ? `session:${options.sessionId}` : userRoom(userId);
      const message = encode([
        EMITTER_UID,
        { type: PACKET_EVENT, data: [event, { ...payload, eventId: EVENT_ID_PLACEHOLDER }], nsp: '/' },
        { rooms: [room], flags: {}, except: [] },
      ]);
      void pipeline.plazaAppendPublish(
        eventLogKey(userId),
        entry,
        message,
        `${this.channelPrefix}${room}#`,
        EVENT_ID_PLACEHOLDER,
        LOG_HARD_CAP,
        LOG_IDLE_TTL_SECONDS,
        LOG_MIN_EVENTS,
        LOG_MIN_AGE_MS,
      );
    }
    const results = (await pipeline.exec()) ?? [];
    const ids = new Map<string, string>();
    results.forEach(([err, id], i) => {
      if (err) throw err;
      ids.set(unique[i], String(id));
    });
    return ids;
  }

  /**
   * `message:new` of several stored messages to their members, in one Redis round trip: each is
   * appended only after the previous seq of its conversation (see ORDERED_APPEND_LUA), so members
   * get a conversation's messages in seq order even when several messaging instances push.
   * Messages of one conversation must be given in seq order.
   */
  async pushMessages(pushes: readonly MessagePush[]): Promise<MessagePushResult[]> {
    if (!pushes.length) return [];
    const pipeline = this.redis.pipeline() as unknown as RedisWithScript & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const { message, memberIds, force } of pushes) {
      const members = [...new Set(memberIds)];
      const entry = JSON.stringify({ e: 'message:new', p: message } satisfies LoggedEvent);
      const keys = [messageOrderKey(message.conversationId), ...members.map(eventLogKey)];
      const perMember: (string | Buffer)[] = [];
      for (const userId of members) {
        const room = userRoom(userId);
        perMember.push(
          encode([
            EMITTER_UID,
            { type: PACKET_EVENT, data: ['message:new', { ...message, eventId: EVENT_ID_PLACEHOLDER }], nsp: '/' },
            { rooms: [room], flags: {}, except: [] },
          ]),
          `${this.channelPrefix}${room}#`,
        );
      }
      void pipeline.plazaOrderedAppend(
        keys.length,
        ...keys,
        message.seq,
        force ? '1' : '0',
        LOG_IDLE_TTL_SECONDS,
        entry,
        EVENT_ID_PLACEHOLDER,
        LOG_HARD_CAP,
        LOG_IDLE_TTL_SECONDS,
        LOG_MIN_EVENTS,
        LOG_MIN_AGE_MS,
        ...perMember,
      );
    }
    const results = (await pipeline.exec()) ?? [];
    return pushes.map((_, i): MessagePushResult => {
      const [err, value] = results[i] ?? [new Error('no reply'), null];
      if (err) return err;
      return value === 'wait' ? 'wait' : 'pushed';
    });
  }

  /** Live-only event to users' sockets on every gateway (typing, presence). */
  pushEphemeral<E extends EphemeralEventName>(userIds: readonly string[], event: E, payload: EphemeralEvents[E]): void {
    if (!userIds.length) return;
    this.emitter.to(userIds.map(userRoom)).emit(event, payload);
  }

  /** `session:revoked` (logged, so it carries an eventId) then a disconnect of the session's sockets. */
  async revokeSession(userId: string, sessionId: string): Promise<void> {
    await this.pushDurable([userId], 'session:revoked', { sessionId }, { sessionId });
    this.emitter.in(`session:${sessionId}`).disconnectSockets(true);
  }
}
