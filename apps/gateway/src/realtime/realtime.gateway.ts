import { Inject, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { DomainError, ipBucket, validateInput } from '@plaza/platform';
import {
  ACCESS_VERIFIER,
  AccessTokenService,
  type AccessVerifier,
  sessionRoom,
  UnauthenticatedError,
} from '@plaza/identity';
import { type Ack, type MessagePayload, SOCKET_COMMAND_SCHEMAS, userRoom } from '@plaza/realtime';
import { REDIS, type Redis } from '@plaza/redis';
import { decodeJwt } from 'jose';
import { CommandForwarder } from './command-forwarder.service';
import { GatewayMetrics } from './gateway-metrics.service';
import { PresenceService } from './presence.service';
import { ReplayService, requestedLastEventId } from './replay.service';
import { limitSendBuffer } from './send-buffer-limit';
import { ackError, socketErrorCode } from './socket-ack';
import { socketClientIp } from './socket-client-ip';
import type { PlazaServer, PlazaSocket } from './socket-data';
import { SocketLifetimeService } from './socket-lifetime.service';
import { SocketQuotaService } from './socket-quota.service';
import { SOCKET_LIMITS, SocketRateLimiter } from './socket-rate-limiter.service';
import { TypingService } from './typing.service';

const tracer = trace.getTracer('plaza-gateway');

/** Failed handshakes are counted per client IP bucket in windows of this length. */
const HANDSHAKE_WINDOW_SECONDS = 60;

/** A handshake refused for a reason of its own (its `connect_error` message); not counted as a bad one. */
class HandshakeRefused extends Error {}

/**
 * The socket side of the gateway. The handshake is authenticated in socket.io middleware (Nest
 * guards do not run on connection); each socket joins only `user:<id>` and `session:<sid>`.
 * Handlers stay thin: validate, then hand over to a service; every outcome is an ack.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);
  private server?: PlazaServer;

  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    @Inject(ACCESS_VERIFIER) private readonly verifier: AccessVerifier,
    private readonly tokens: AccessTokenService,
    private readonly replay: ReplayService,
    private readonly presence: PresenceService,
    private readonly typing: TypingService,
    private readonly forwarder: CommandForwarder,
    private readonly limiter: SocketRateLimiter,
    private readonly metrics: GatewayMetrics,
    private readonly lifetime: SocketLifetimeService,
    private readonly quota: SocketQuotaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  afterInit(server: PlazaServer): void {
    this.server = server;
    this.presence.attach(server);
    this.typing.attach(server);
    server.use((socket, next) => {
      // A page on a foreign origin is told so, not "unauthorized", and the operator sees which origin.
      const origin = socket.handshake.headers.origin;
      if (
        origin &&
        !this.config.ALLOWED_ORIGINS.includes(origin) &&
        !isSameOrigin(origin, socket.handshake.headers.host)
      ) {
        this.metrics.handshakeFailures.inc({ reason: 'origin_not_allowed' });
        this.logger.warn(
          `socket handshake refused: origin ${JSON.stringify(origin.slice(0, 200))} is not in ALLOWED_ORIGINS`,
        );
        return next(new Error('origin_not_allowed'));
      }
      this.admit(socket).then(
        () => next(),
        (err: unknown) => {
          if (err instanceof HandshakeRefused) {
            this.metrics.handshakeFailures.inc({ reason: err.message });
            next(new Error(err.message));
            return;
          }
          const reason =
            err instanceof UnauthenticatedError ? err.reason : err instanceof Error ? err.message : 'error';
          this.metrics.handshakeFailures.inc({ reason: reason.split(':')[0].slice(0, 40) });
          void this.countBadHandshake(socket);
          next(new Error('unauthorized'));
        },
      );
    });
  }

  /**
   * Bad handshakes per client IP bucket are limited (HANDSHAKE_FAILURE_LIMIT per minute: token
   * guessing, reconnect loops with a dead token); an authenticated socket then takes one of the
   * user's SOCKETS_PER_USER slots over all gateways.
   */
  private async admit(socket: PlazaSocket): Promise<void> {
    const key = this.handshakeKey(socket);
    const failures = Number((await this.redis.get(key).catch(() => null)) ?? 0);
    if (failures >= this.config.HANDSHAKE_FAILURE_LIMIT) throw new HandshakeRefused('too_many_handshakes');
    await this.authenticate(socket);
    if (!(await this.quota.acquire(socket.data.userId, this.presence.instanceId)))
      throw new HandshakeRefused('too_many_connections');
    socket.data.quotaTaken = true;
    // socket.io sends CONNECT before `handleConnection` runs: a socket that asks for no replay
    // joins its rooms here, so an event pushed the moment the client sees `connect` reaches it.
    // (With a lastEventId the replay joins them, holding live packets until the log is read.)
    if (requestedLastEventId(socket) === undefined) await socket.join(this.roomsOf(socket));
  }

  private roomsOf(socket: PlazaSocket): string[] {
    const { userId, sessionId } = socket.data;
    return [userRoom(userId), ...(sessionId ? [sessionRoom(sessionId)] : [])];
  }

  private handshakeKey(socket: PlazaSocket): string {
    return `rt:hs-fail:${ipBucket(socketClientIp(socket.handshake, this.config.TRUST_PROXY))}`;
  }

  private async countBadHandshake(socket: PlazaSocket): Promise<void> {
    const key = this.handshakeKey(socket);
    await this.redis
      .multi()
      .incr(key)
      .expire(key, HANDSHAKE_WINDOW_SECONDS, 'NX')
      .exec()
      .catch(() => undefined);
  }

  private async authenticate(socket: PlazaSocket): Promise<void> {
    // Only `auth.token`: a token in the query string would end up in proxy and access logs.
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : null;
    const principal = await this.verifier.verify(token);
    socket.data = {
      userId: principal.userId,
      sessionId: principal.sessionId,
      token: token!,
      tokenExpiresAt: (decodeJwt(token!).exp ?? 0) * 1000,
      typingIn: new Set(),
      presenceCounted: false,
      quotaTaken: false,
    };
  }

  async handleConnection(socket: PlazaSocket): Promise<void> {
    const { userId } = socket.data;
    this.metrics.sockets.inc();
    limitSendBuffer(socket.conn, () => {
      this.metrics.slowConsumerDrops.inc();
      this.logger.warn(`dropping a socket of user ${userId}: its client stopped reading`);
    });
    const lastEventId = requestedLastEventId(socket);
    try {
      await this.lifetime.watch(socket, socket.data.tokenExpiresAt);
      // Without a replay, the handshake joined the rooms already (admit).
      if (lastEventId !== undefined) await this.replay.joinAndReplay(socket, this.roomsOf(socket), lastEventId);
      // Gone during the replay: its disconnect has run already and must not be outlived by a count.
      if (socket.disconnected) return;
      socket.data.presenceCounted = true;
      await this.presence.connected(userId);
    } catch (err) {
      this.logger.error(`connection setup failed: ${(err as Error).message}`);
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: PlazaSocket): Promise<void> {
    this.metrics.sockets.dec();
    const data = socket.data as Partial<PlazaSocket['data']>;
    this.lifetime.forget(socket);
    if (!data.userId) return;
    try {
      if (data.quotaTaken) await this.quota.release(data.userId, this.presence.instanceId);
      for (const conversationId of data.typingIn ?? []) await this.typing.stop(data.userId, conversationId);
      if (data.presenceCounted) await this.presence.disconnected(data.userId);
    } catch (err) {
      this.logger.warn(`disconnect cleanup failed: ${(err as Error).message}`);
    }
  }

  @SubscribeMessage('message:send')
  async onSend(
    @ConnectedSocket() socket: PlazaSocket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ message: MessagePayload }>> {
    return this.command('message:send', async () => {
      const dto = validateInput(SOCKET_COMMAND_SCHEMAS['message:send'], body);
      if (!(await this.limiter.allow('message:send', socket.data.userId))) {
        throw new DomainError('rate_limited', `message:send is limited to ${SOCKET_LIMITS['message:send']} per second`);
      }
      // The socket's own session stands for the caller: a revoked session's sockets are
      // disconnected at once, so no token is checked per message.
      const message = await this.forwarder.sendMessage({
        userId: socket.data.userId,
        sessionId: socket.data.sessionId,
        conversationId: dto.conversationId,
        text: dto.text,
        clientMsgId: dto.clientMsgId,
      });
      return { message };
    });
  }

  @SubscribeMessage('message:read')
  async onRead(@ConnectedSocket() socket: PlazaSocket, @MessageBody() body: unknown): Promise<Ack> {
    return this.command('message:read', async () => {
      const dto = validateInput(SOCKET_COMMAND_SCHEMAS['message:read'], body);
      await this.forwarder.postToMessaging(
        `/api/conversations/${dto.conversationId}/read`,
        await this.bearer(socket),
        { seq: dto.seq },
        socketClientIp(socket.handshake, this.config.TRUST_PROXY),
      );
      return {};
    });
  }

  @SubscribeMessage('typing:start')
  async onTypingStart(@ConnectedSocket() socket: PlazaSocket, @MessageBody() body: unknown): Promise<Ack> {
    return this.command('typing:start', async () => {
      const dto = validateInput(SOCKET_COMMAND_SCHEMAS['typing:start'], body);
      await this.typing.start(socket.data.userId, dto.conversationId);
      socket.data.typingIn.add(dto.conversationId);
      return {};
    });
  }

  @SubscribeMessage('typing:stop')
  async onTypingStop(@ConnectedSocket() socket: PlazaSocket, @MessageBody() body: unknown): Promise<Ack> {
    return this.command('typing:stop', async () => {
      const dto = validateInput(SOCKET_COMMAND_SCHEMAS['typing:stop'], body);
      socket.data.typingIn.delete(dto.conversationId);
      await this.typing.stopByClient(socket.data.userId, dto.conversationId);
      return {};
    });
  }

  /**
   * Runs one command: every failure becomes an error ack, never a thrown "Internal server error".
   * Each command is the root of its own trace; the forward to the owning app runs inside its span,
   * so the app's request continues that trace.
   */
  private async command<T extends object>(event: string, run: () => Promise<T>): Promise<Ack<T>> {
    const options = { kind: SpanKind.SERVER, root: true, attributes: { 'plaza.socket.event': event } };
    return tracer.startActiveSpan(`socket ${event}`, options, async (span): Promise<Ack<T>> => {
      const started = performance.now();
      this.metrics.eventsIn.inc({ event });
      let outcome = 'ok';
      try {
        return { ok: true as const, ...(await run()) };
      } catch (err) {
        if (err instanceof DomainError) {
          const code = socketErrorCode(err.code);
          outcome = code;
          return ackError(code, err.message);
        }
        outcome = 'internal';
        span.recordException(err as Error);
        this.logger.error(`${event} failed: ${(err as Error).stack ?? String(err)}`);
        return ackError('internal', 'Something went wrong, retry shortly');
      } finally {
        this.metrics.commandDuration.observe({ event, outcome }, (performance.now() - started) / 1000);
        span.setAttribute('plaza.socket.outcome', outcome);
        if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        span.end();
      }
    });
  }

  /**
   * The handshake token, or a fresh one for the same live session once it is about to expire:
   * a socket outlives its access token, and commands must keep working while the session does.
   */
  private async bearer(socket: PlazaSocket): Promise<string> {
    const { sessionId, userId } = socket.data;
    if (sessionId && socket.data.tokenExpiresAt - Date.now() < 30_000) {
      const { token, expiresIn } = await this.tokens.sign(userId, sessionId);
      socket.data.token = token;
      socket.data.tokenExpiresAt = Date.now() + expiresIn * 1000;
    }
    return socket.data.token;
  }

  /**
   * Drain on shutdown: close each connection at the transport level so clients reconnect (to
   * another instance behind the load balancer) instead of treating it as a server kick.
   */
  async onApplicationShutdown(): Promise<void> {
    const sockets = this.server ? await this.server.local.fetchSockets() : [];
    for (const socket of sockets) (socket as unknown as PlazaSocket).conn.close();
  }
}

/**
 * A page served by this gateway itself (the reference web client at `/`) connects from the
 * gateway's own origin, which is therefore always allowed. Tokens travel in the handshake payload,
 * never in cookies, so no other page gains anything from this.
 */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
