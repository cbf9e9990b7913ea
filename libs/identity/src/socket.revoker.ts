import { Logger } from '@nestjs/common';
import { RealtimePublisher } from '@plaza/realtime';
import type { Redis } from '@plaza/redis';

/** Room every socket of a session joins on the gateway. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/**
 * Tells a revoked session's sockets to go, on every gateway instance: `session:revoked` first (a
 * durable event of the user's log, so it carries an eventId like every other), then a disconnect
 * of the room, in that order on one Redis connection.
 */
export class SocketRevoker {
  private readonly logger = new Logger(SocketRevoker.name);
  private readonly publisher: RealtimePublisher;

  /** `redis` must be a regular (non-subscriber) client; the key must match the gateways' adapter. */
  constructor(redis: Redis, redisUrl: string) {
    this.publisher = new RealtimePublisher(redis, redisUrl);
  }

  /**
   * Disconnects every remaining socket of the user, on every gateway: after a suspension, the
   * sockets of OIDC users (who have no Plaza session to revoke) go too.
   */
  disconnectUser(userId: string): void {
    this.publisher.disconnectUser(userId);
  }

  /** Never throws: the session is already gone from Redis, so its sockets are refused anyway. */
  async revoke(userId: string, sessionIds: readonly string[]): Promise<void> {
    await Promise.all(
      sessionIds.map((sessionId) =>
        this.publisher.revokeSession(userId, sessionId).catch((err: Error) => {
          this.logger.warn(`could not notify sockets of revoked session ${sessionId}: ${err.message}`);
        }),
      ),
    );
  }
}
