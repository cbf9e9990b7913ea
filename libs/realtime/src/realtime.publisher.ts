import { Emitter } from '@socket.io/redis-emitter';
import { defineScripts, type Redis, type ScriptedRedis, socketIoKey } from '@plaza/redis';
import { encode } from 'notepack.io';
import {
  EVENT_ID_PLACEHOLDER,
  eventLogKey,
  FAN_OUT_APPEND_LUA,
  LOG_HARD_CAP,
  LOG_IDLE_TTL_SECONDS,
  LOG_MIN_AGE_MS,
  LOG_MIN_EVENTS,
  messageOrderKey,
  ORDERED_APPEND_LUA,
} from './event-log';
import { presenceKey } from './presence-keys';
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
/** From this many recipients on, `pushDurable` serves users with a presence first. */
const ONLINE_FIRST_MIN_AUDIENCE = 64;
/** Users per fan-out script: Redis runs one script at a time, so a chunk stays a few ms. */
const FAN_OUT_CHUNK = 128;

const EMITTER_UID = 'emitter';

function groupBy<T>(items: readonly T[], key: (item: T) => number): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/** KEYS: presence keys. Returns one '0'/'1' per key (has a presence). */
const PRESENT_LUA = `
local out = {}
for i = 1, #KEYS do out[i] = redis.call('EXISTS', KEYS[i]) end
return table.concat(out)`;
const PRESENT_CHUNK = 1000;

type PublisherScripts = {
  plazaPresent(...keys: (string | number)[]): Promise<string>;
  plazaFanOutAppend(...keysAndArgs: (string | Buffer | number)[]): Promise<string[]>;
  plazaOrderedAppend(...keysAndArgs: (string | Buffer | number)[]): Promise<string[] | 'wait'>;
};

/**
 * The emitter's packet of one event, cut around its room: `head .. room .. tail`. msgpack writes
 * a string's byte length before it, so every room of one byte length (user rooms:
 * `user:<uuid>`) shares head and tail, and the payload is encoded once per push, not once per
 * recipient.
 */
class PacketFrames {
  private readonly byLength = new Map<number, { head: Buffer; tail: Buffer }>();

  constructor(private readonly data: unknown[]) {}

  for(room: string): { head: Buffer; tail: Buffer } {
    const length = Buffer.byteLength(room);
    let frame = this.byLength.get(length);
    if (!frame) {
      const stand = '\u0003'.repeat(length);
      const buffer = encode([
        EMITTER_UID,
        { type: PACKET_EVENT, data: this.data, nsp: '/' },
        { rooms: [stand], flags: {}, except: [] },
      ]);
      // The rooms come after the payload, so the last occurrence is the room's.
      const at = buffer.lastIndexOf(stand);
      frame = { head: buffer.subarray(0, at), tail: buffer.subarray(at + length) };
      this.byLength.set(length, frame);
    }
    return frame;
  }
}

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
 * How every app reaches users' sockets. Durable events are appended to each user's log and
 * published to the gateways atomically per user (one script per 128 users, the payload sent
 * once); ephemeral ones only go through the socket.io emitter.
 */
export class RealtimePublisher {
  private readonly redis: ScriptedRedis<PublisherScripts>;
  private readonly emitter: Emitter;
  private readonly channelPrefix: string;

  /** `redis` must be a regular (non-subscriber) client. */
  constructor(redis: Redis, redisUrl: string) {
    const key = socketIoKey(redisUrl);
    this.emitter = new Emitter(redis, { key });
    this.channelPrefix = `${key}#/#`;
    // The number of keys is given per call: the logs, or the order key and the members' logs.
    this.redis = defineScripts<PublisherScripts>(redis, {
      plazaFanOutAppend: { lua: FAN_OUT_APPEND_LUA },
      plazaOrderedAppend: { lua: ORDERED_APPEND_LUA },
      plazaPresent: { lua: PRESENT_LUA },
    });
  }

  /**
   * Appends `event` to each user's log and delivers it live; resolves with each user's eventId.
   * A large audience (a popular author's post) goes out in two pipelines, users with a presence
   * first: the online few get the event without queueing behind thousands of offline logs. Both
   * halves append and publish alike, so a user who connects in between loses nothing (replay or
   * live), and the order of two pushes to one user is kept (the second push starts after the first
   * has finished).
   */
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
    const frames = new PacketFrames([event, { ...payload, eventId: EVENT_ID_PLACEHOLDER }]);
    const roomOf = (userId: string) => (options.sessionId ? `session:${options.sessionId}` : userRoom(userId));
    const ids = new Map<string, string>();
    for (const batch of await this.onlineFirst(unique)) {
      const pipeline = this.redis.pipeline();
      // One script per chunk of users whose rooms share a frame (all of them, but for odd ids).
      const chunks: string[][] = [];
      for (const group of groupBy(batch, (userId) => Buffer.byteLength(roomOf(userId)))) {
        for (let i = 0; i < group.length; i += FAN_OUT_CHUNK) chunks.push(group.slice(i, i + FAN_OUT_CHUNK));
      }
      for (const chunk of chunks) {
        const rooms = chunk.map(roomOf);
        const { head, tail } = frames.for(rooms[0]);
        void pipeline.plazaFanOutAppend(
          chunk.length,
          ...chunk.map(eventLogKey),
          entry,
          head,
          tail,
          this.channelPrefix,
          EVENT_ID_PLACEHOLDER,
          LOG_HARD_CAP,
          LOG_IDLE_TTL_SECONDS,
          LOG_MIN_EVENTS,
          LOG_MIN_AGE_MS,
          ...rooms,
        );
      }
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([err, eventIds], i) => {
        if (err) throw err;
        (eventIds as string[]).forEach((id, k) => ids.set(chunks[i][k], String(id)));
      });
    }
    return ids;
  }

  /** Small audiences as one batch; large ones split into [with a presence, without]. */
  private async onlineFirst(userIds: string[]): Promise<string[][]> {
    if (userIds.length < ONLINE_FIRST_MIN_AUDIENCE) return [userIds];
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < userIds.length; i += PRESENT_CHUNK) {
      const chunk = userIds.slice(i, i + PRESENT_CHUNK);
      pipeline.plazaPresent(chunk.length, ...chunk.map(presenceKey));
    }
    const flags = ((await pipeline.exec()) ?? []).map(([err, v]) => {
      if (err) throw err;
      return v as string;
    });
    const online: string[] = [];
    const rest: string[] = [];
    userIds.forEach((id, i) =>
      (flags[Math.floor(i / PRESENT_CHUNK)].charCodeAt(i % PRESENT_CHUNK) === 49 ? online : rest).push(id),
    );
    return [online, rest].filter((batch) => batch.length);
  }

  /**
   * `message:new` of several stored messages to their members, in one Redis round trip: each is
   * appended only after the previous seq of its conversation (see ORDERED_APPEND_LUA), so members
   * get a conversation's messages in seq order even when several messaging instances push.
   * Messages of one conversation must be given in seq order.
   */
  async pushMessages(pushes: readonly MessagePush[]): Promise<MessagePushResult[]> {
    if (!pushes.length) return [];
    const pipeline = this.redis.pipeline();
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

  /** Disconnects every socket of the user on every gateway (a suspended user's, OIDC ones included). */
  disconnectUser(userId: string): void {
    this.emitter.in(userRoom(userId)).disconnectSockets(true);
  }

  /** `session:revoked` (logged, so it carries an eventId) then a disconnect of the session's sockets. */
  async revokeSession(userId: string, sessionId: string): Promise<void> {
    await this.pushDurable([userId], 'session:revoked', { sessionId }, { sessionId });
    this.emitter.in(`session:${sessionId}`).disconnectSockets(true);
  }
}
