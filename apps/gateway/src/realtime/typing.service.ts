import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { REDIS, type Redis } from '@plaza/redis';
import { conversationMembersKey, TypingStore, userRoom } from '@plaza/realtime';
import { GatewayMetrics } from './gateway-metrics.service';
import { AckError } from './socket-ack';
import type { PlazaServer } from './socket-data';
import { SOCKET_LIMITS, SocketRateLimiter } from './socket-rate-limiter.service';

const SWEEP_MS = 500;

/**
 * Typing indicators: membership from the messaging app's read model, relayed to the other members.
 * The deadline lives in Redis (TypingStore), so `isTyping: false` is sent by whichever gateway
 * sees it expire, also when the typist's own gateway is gone.
 */
@Injectable()
export class TypingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TypingService.name);
  private readonly store: TypingStore;
  private server?: PlazaServer;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly limiter: SocketRateLimiter,
    private readonly metrics: GatewayMetrics,
  ) {
    this.store = new TypingStore(redis);
  }

  attach(server: PlazaServer): void {
    this.server = server;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: Error) => this.logger.warn(`typing sweep: ${err.message}`));
    }, SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async start(userId: string, conversationId: string): Promise<void> {
    const max = SOCKET_LIMITS['typing:start'];
    const limit = { key: this.limiter.key('typing:start', userId), max };
    const started = await this.store.start(conversationId, userId, limit, conversationMembersKey(conversationId));
    if (started.outcome === 'rate_limited')
      throw new AckError('rate_limited', `typing:start is limited to ${max} per second`);
    if (started.outcome === 'not_member') throw new AckError('not_found', 'Conversation not found');
    this.relay(started.members, conversationId, userId, true);
  }

  /** A client's `typing:stop`: like every command, refused for non-members. */
  async stopByClient(userId: string, conversationId: string): Promise<void> {
    const members = await this.redis.smembers(conversationMembersKey(conversationId));
    if (!members.includes(userId)) throw new AckError('not_found', 'Conversation not found');
    if (await this.store.stop(conversationId, userId)) this.relay(members, conversationId, userId, false);
  }

  async stop(userId: string, conversationId: string): Promise<void> {
    if (!(await this.store.stop(conversationId, userId))) return;
    this.relay(await this.redis.smembers(conversationMembersKey(conversationId)), conversationId, userId, false);
  }

  private async sweep(): Promise<void> {
    for (const { conversationId, userId } of await this.store.claimExpired()) {
      this.relay(await this.redis.smembers(conversationMembersKey(conversationId)), conversationId, userId, false);
    }
  }

  private relay(members: string[], conversationId: string, userId: string, isTyping: boolean): void {
    const others = members.filter((m) => m !== userId);
    if (!others.length || !this.server) return;
    this.server.to(others.map(userRoom)).emit('typing', { conversationId, userId, isTyping });
    this.metrics.eventsOut.inc({ event: 'typing' });
  }
}
