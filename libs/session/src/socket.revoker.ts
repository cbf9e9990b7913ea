import { Emitter } from '@socket.io/redis-emitter';
import { type Redis, socketIoKey } from '@plaza/redis';

/** Room every socket of a session joins on the gateway. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/**
 * Tells a revoked session's sockets to go, on every gateway instance: `session:revoked` first
 * (so the client knows why), then a disconnect of the room. Both go through the socket.io Redis
 * emitter on one connection, so every gateway receives them in that order.
 */
export class SocketRevoker {
  private readonly emitter: Emitter;

  /** `redis` must be a regular (non-subscriber) client; the key must match the gateways' adapter. */
  constructor(redis: Redis, redisUrl: string) {
    this.emitter = new Emitter(redis, { key: socketIoKey(redisUrl) });
  }

  revoke(sessionIds: readonly string[]): void {
    for (const sessionId of sessionIds) {
      const room = sessionRoom(sessionId);
      this.emitter.to(room).emit('session:revoked', { sessionId });
      this.emitter.in(room).disconnectSockets(true);
    }
  }
}
