import { Inject, Injectable } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { REDIS, type Redis, socketIoKey } from '@plaza/redis';
import { Emitter } from '@socket.io/redis-emitter';
import {
  compareStreamIds,
  type DurableEvents,
  eventIdOf,
  eventLogKey,
  type LoggedEvent,
  SafetyGraph,
  SafetyGraphUnavailableError,
  streamIdOf,
  type ViewerGraph,
} from '@plaza/realtime';
import { GatewayMetrics } from './gateway-metrics.service';
import type { PlazaSocket } from './socket-data';

type EncodedPackets = string | Buffer | (string | Buffer)[];
interface EngineClient {
  writeToEngine(packets: EncodedPackets, opts: object): void;
  encoder: { encode(packet: object): EncodedPackets };
}

const PAGE = 500;
const BARRIER_EVENT = 'plaza:replay-barrier';
const BARRIER_PACKET = `2["${BARRIER_EVENT}"`;
/** Only if pub/sub is broken (the barrier never comes back); live delivery is then at stake anyway. */
const BARRIER_TIMEOUT_MS = 2000;

/** The handshake's `auth.lastEventId` when the client asks for a replay; undefined when it does not. */
export function requestedLastEventId(socket: PlazaSocket): unknown {
  const value = (socket.handshake.auth as { lastEventId?: unknown } | undefined)?.lastEventId;
  return value === undefined || value === null || value === '' ? undefined : value;
}

/**
 * Replays a reconnecting socket's missed durable events from its log, then hands it over to live
 * delivery with no gap and no duplicate: the socket joins its rooms first, live packets written
 * to it meanwhile are held, and once the replay is out the held ones not already replayed follow.
 *
 * The live copy of an event that the replay already sent can still be on its way through Redis
 * pub/sub when the log read returns. So the hold ends only when a barrier, published after the
 * last log read, comes back through the same pub/sub path: Redis delivers in publish order, so
 * every earlier live packet has arrived (and been held) by then.
 */
@Injectable()
export class ReplayService {
  private readonly emitter: Emitter;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLAZA_CONFIG) config: PlazaConfig,
    private readonly metrics: GatewayMetrics,
    private readonly safety: SafetyGraph,
  ) {
    this.emitter = new Emitter(redis, { key: socketIoKey(config.REDIS_URL) });
  }

  /**
   * For a client that asked for a replay (`requestedLastEventId`): joins `rooms`, sends what its
   * log holds after `lastEventId`, and holds live packets until then (deduplicated against it).
   */
  async joinAndReplay(socket: PlazaSocket, rooms: string[], lastEventId: unknown): Promise<void> {
    const started = performance.now();
    const client = socket.client as unknown as EngineClient;
    const write = client.writeToEngine.bind(client);
    const held: [EncodedPackets, object][] = [];
    const barrierRoom = `replay-barrier:${socket.id}`;
    let barrierSeen: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (barrierSeen = resolve));
    client.writeToEngine = (packets, opts) => {
      if (isBarrier(packets)) barrierSeen();
      else held.push([packets, opts]);
    };
    let lastDelivered: string | null = null;
    try {
      await socket.join([...rooms, barrierRoom]);
      const send = (event: string, payload: object) =>
        write(client.encoder.encode({ type: 2, data: [event, payload], nsp: '/' }), {});
      lastDelivered = await this.replay(socket, lastEventId, send);
      this.emitter.to(barrierRoom).emit(BARRIER_EVENT);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([barrier, new Promise<void>((resolve) => (timer = setTimeout(resolve, BARRIER_TIMEOUT_MS)))]);
      clearTimeout(timer);
    } finally {
      void socket.leave(barrierRoom);
      // Synchronous from here on: nothing can be written between the flush and the restore.
      delete (client as Partial<EngineClient>).writeToEngine;
      for (const [packets, opts] of held) {
        if (!lastDelivered || !isReplayed(packets, lastDelivered)) write(packets, opts);
      }
      this.metrics.replayDuration.observe((performance.now() - started) / 1000);
    }
  }

  /** Sends every logged event after `lastEventId`; returns the last stream id covered, or null. */
  private async replay(
    socket: PlazaSocket,
    lastEventId: unknown,
    send: (event: string, payload: object) => void,
  ): Promise<string | null> {
    const from = streamIdOf(lastEventId);
    const key = eventLogKey(socket.data.userId);
    const syncRequired = (reason: string) => {
      this.metrics.syncRequired.inc();
      send('sync:required', { reason });
      return null;
    };
    if (!from) return syncRequired('invalid_last_event_id');
    const firstKept = await this.firstKeptId(key);
    if (firstKept === undefined) return syncRequired('log_expired');
    // The client's own last event is gone: what followed it may be gone too.
    if (compareStreamIds(from, firstKept) < 0) return syncRequired('too_old');
    // A replay shows what the REST lists show now: the rules of this moment, not of the log's.
    let graph: ViewerGraph;
    try {
      graph = await this.safety.viewer(socket.data.userId);
    } catch (err) {
      if (err instanceof SafetyGraphUnavailableError) return syncRequired('unavailable');
      throw err;
    }

    let cursor = from;
    for (;;) {
      const page = (await this.redis.xrange(key, `(${cursor}`, '+', 'COUNT', PAGE)) as [string, string[]][];
      const entries = page.map(([id, fields]) => ({ id, logged: JSON.parse(fields[1]) as LoggedEvent }));
      const deleted = await this.safety.deletedAmong(entries.flatMap(({ logged }) => postIdsOf(logged)));
      for (const { id, logged } of entries) {
        cursor = id;
        if (logged.s && logged.s !== socket.data.sessionId) continue;
        if (!stillShown(logged, socket.data.userId, graph, deleted)) {
          this.metrics.replayFiltered.inc();
          continue;
        }
        send(logged.e, { ...(logged.p as object), eventId: eventIdOf(id) });
        this.metrics.replayed.inc();
      }
      if (page.length < PAGE) return cursor;
    }
  }

  /** The oldest id still in the log; undefined when there is no log. */
  private async firstKeptId(key: string): Promise<string | undefined> {
    let info: unknown[];
    try {
      info = (await this.redis.call('XINFO', 'STREAM', key)) as unknown[];
    } catch (err) {
      if (/no such key/i.test((err as Error).message)) return undefined;
      throw err;
    }
    const at = info.indexOf('recorded-first-entry-id');
    return at >= 0 ? String(info[at + 1]) : undefined;
  }
}

/** Posts a logged event is about (to learn which have been deleted since). */
function postIdsOf(logged: LoggedEvent): string[] {
  if (logged.e === 'feed:post') return [(logged.p as DurableEvents['feed:post']).id];
  if (logged.e === 'notification') {
    const n = logged.p as DurableEvents['notification'];
    if ((n.type === 'post.commented' || n.type === 'post.reacted') && n.subjectId) return [n.subjectId];
  }
  return [];
}

/**
 * The REST rules at replay time: nothing from or about someone blocked either way, no post the
 * user may no longer see (connections-only after a disconnect, an author no longer followed), no
 * notification about a deleted post. Messages stay: the conversation history keeps them too.
 */
function stillShown(logged: LoggedEvent, userId: string, g: ViewerGraph, deleted: Set<string>): boolean {
  switch (logged.e) {
    case 'feed:post': {
      const post = logged.p as DurableEvents['feed:post'];
      const author = post.author.id;
      if (deleted.has(post.id)) return false;
      if (author === userId) return true;
      if (g.blocked.has(author)) return false;
      if (g.connections.has(author)) return true;
      return post.visibility === 'public' && g.following.has(author);
    }
    case 'notification': {
      const n = logged.p as DurableEvents['notification'];
      if (n.actor && g.blocked.has(n.actor.id)) return false;
      return !(n.subjectId && deleted.has(n.subjectId) && n.type.startsWith('post.'));
    }
    case 'message:read':
      return !g.blocked.has((logged.p as DurableEvents['message:read']).userId);
    case 'message:new':
    case 'feed:post-deleted':
    case 'session:revoked':
      return true;
  }
}

function isBarrier(packets: EncodedPackets): boolean {
  const packet = Array.isArray(packets) ? packets[0] : packets;
  return typeof packet === 'string' && packet.startsWith(BARRIER_PACKET);
}

/** A held live packet whose event was already sent by the replay (eventId ≤ last replayed). */
function isReplayed(packets: EncodedPackets, lastDelivered: string): boolean {
  const packet = Array.isArray(packets) ? packets[0] : packets;
  // socket.io EVENT packets on the main namespace encode as `2[...]` (engine.io adds its own prefix later).
  if (typeof packet !== 'string' || !packet.startsWith('2[')) return false;
  try {
    const data = JSON.parse(packet.slice(1)) as [string, { eventId?: unknown }?];
    const id = streamIdOf(data[1]?.eventId);
    return id !== null && compareStreamIds(id, lastDelivered) <= 0;
  } catch {
    return false;
  }
}
