import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@plaza/platform';
import { ConversationMembers, SafetyGraph, SafetyGraphUnavailableError, TypingStore, userRoom } from '@plaza/realtime';
import { GatewayMetrics } from './gateway-metrics.service';
import type { PlazaServer } from './socket-data';
import { SOCKET_LIMITS, SocketRateLimiter } from './socket-rate-limiter.service';

const SWEEP_MS = 500;

/**
 * Typing indicators: membership from the messaging app's read model, relayed to the other members.
 * Blocks come from the safety graph (written by profiles before a block answers): in a direct
 * conversation across a block `typing:start` is refused (`forbidden`); in a group, typing never
 * reaches anyone blocked either way with the typist.
 * The deadline lives in Redis (TypingStore), so `isTyping: false` is sent by whichever gateway
 * sees it expire, also when the typist's own gateway is gone.
 */
@Injectable()
export class TypingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TypingService.name);
  private server?: PlazaServer;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: TypingStore,
    private readonly limiter: SocketRateLimiter,
    private readonly metrics: GatewayMetrics,
    private readonly safety: SafetyGraph,
    private readonly conversations: ConversationMembers,
  ) {}

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
    const started = await this.store.start(conversationId, userId, {
      key: this.limiter.key('typing:start', userId),
      max,
    });
    if (started.outcome === 'blocked') throw new DomainError('forbidden', 'You cannot message this user');
    if (started.outcome === 'rate_limited')
      throw new DomainError('rate_limited', `typing:start is limited to ${max} per second`);
    if (started.outcome === 'not_member') throw new DomainError('not_found', 'Conversation not found');
    this.relay(
      started.members.filter((m) => !started.blocked.has(m)),
      conversationId,
      userId,
      true,
    );
  }

  /** A client's `typing:stop`: like every command, refused for non-members. */
  async stopByClient(userId: string, conversationId: string): Promise<void> {
    const members = await this.conversations.members(conversationId);
    if (!members.includes(userId)) throw new DomainError('not_found', 'Conversation not found');
    if (await this.store.stop(conversationId, userId))
      this.relay(await this.unblocked(members, userId), conversationId, userId, false);
  }

  async stop(userId: string, conversationId: string): Promise<void> {
    if (!(await this.store.stop(conversationId, userId))) return;
    const members = await this.conversations.members(conversationId);
    this.relay(await this.unblocked(members, userId), conversationId, userId, false);
  }

  private async sweep(): Promise<void> {
    for (const { conversationId, userId } of await this.store.claimExpired()) {
      const members = await this.conversations.members(conversationId);
      this.relay(await this.unblocked(members, userId), conversationId, userId, false);
    }
  }

  /** For `isTyping: false`: the members who may have been told `true` (none while the graph is missing). */
  private async unblocked(members: string[], userId: string): Promise<string[]> {
    try {
      const blocked = await this.safety.blockedAmong(
        userId,
        members.filter((m) => m !== userId),
      );
      return members.filter((m) => !blocked.has(m));
    } catch (err) {
      if (err instanceof SafetyGraphUnavailableError) return [];
      throw err;
    }
  }

  private relay(members: string[], conversationId: string, userId: string, isTyping: boolean): void {
    const others = members.filter((m) => m !== userId);
    if (!others.length || !this.server) return;
    this.server.to(others.map(userRoom)).emit('typing', { conversationId, userId, isTyping });
    this.metrics.eventsOut.inc({ event: 'typing' });
  }
}
