import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { REDIS, type Redis } from '@plaza/redis';
import { SessionStore, SocketRevoker, userSessionsKey } from '@plaza/identity';
import type { Socket } from 'socket.io';
import type { PlazaSocket } from './socket-data';

/** setTimeout's longest delay; a later end is re-checked then. */
const MAX_DELAY_MS = 2 ** 31 - 1;
const RETRY_MS = 5000;

/**
 * Ends sockets the moment what they were opened with ends (contract: "v2 accounts"): a Plaza
 * session that expires or idles out (`session:revoked` to every socket of the session, sent once
 * by whichever gateway notices first), or an OIDC access token whose `exp` passes. One timer per
 * socket, set to the session's current end and re-armed while the session is used.
 */
@Injectable()
export class SocketLifetimeService implements OnApplicationShutdown {
  private readonly logger = new Logger(SocketLifetimeService.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly revoker: SocketRevoker,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** `tokenExpiresAt` (epoch ms) ends an OIDC socket; a Plaza socket follows its session. */
  async watch(socket: PlazaSocket, tokenExpiresAt: number): Promise<void> {
    if (!socket.data.sessionId) return this.schedule(socket, tokenExpiresAt);
    const end = await this.sessions.endsAt(socket.data.sessionId);
    this.schedule(socket, end ?? Date.now());
  }

  forget(socket: PlazaSocket): void {
    clearTimeout(this.timers.get(socket.id));
    this.timers.delete(socket.id);
  }

  private schedule(socket: PlazaSocket, at: number): void {
    this.forget(socket);
    const delay = Math.min(Math.max(0, at - Date.now()), MAX_DELAY_MS);
    const timer = setTimeout(() => {
      this.check(socket).catch((err: Error) => {
        this.logger.warn(`socket lifetime check failed, retrying: ${err.message}`);
        if (socket.connected) this.schedule(socket, Date.now() + RETRY_MS);
      });
    }, delay);
    timer.unref();
    this.timers.set(socket.id, timer);
  }

  private async check(socket: PlazaSocket): Promise<void> {
    this.timers.delete(socket.id);
    if (socket.disconnected) return;
    const { sessionId, userId } = socket.data;
    if (!sessionId) {
      // The OIDC token is past its exp: no session to revoke, only this socket to end (live only,
      // so no eventId; sessionId null as on every OIDC principal).
      (socket as unknown as Socket).emit('session:revoked', { sessionId: null });
      socket.disconnect(true);
      return;
    }
    const end = await this.sessions.endsAt(sessionId);
    if (end) return this.schedule(socket, end);
    const first = await this.redis.set(`session-ended:${sessionId}`, '1', 'PX', 60_000, 'NX');
    if (first) {
      await this.redis.srem(userSessionsKey(userId), sessionId);
      await this.revoker.revoke(userId, [sessionId]);
    }
    // Another gateway (or this one) sent the revocation to the room; make sure this socket goes.
    setTimeout(() => socket.connected && socket.disconnect(true), 1000).unref();
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
