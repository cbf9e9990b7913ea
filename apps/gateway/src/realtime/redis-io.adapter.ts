import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { type PlazaConfig } from '@plaza/config';
import { closeRedis, createRedisClient, type Redis, socketIoKey } from '@plaza/redis';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { isObservable, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';

export const FRAME_LIMIT_BYTES = 64 * 1024;

/**
 * socket.io joined across gateway instances through Redis. The classic adapter is the default:
 * domain apps reach sockets through the Redis emitter and an atomic append+PUBLISH script, and
 * neither reaches the sharded adapter (SPUBLISH). `SOCKET_ADAPTER=sharded` exists to measure it.
 */
export class RedisIoAdapter extends IoAdapter {
  private pub?: Redis;
  private sub?: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly config: PlazaConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const server = super.createIOServer(port, {
      path: '/socket.io',
      ...options,
      // A frame over the limit closes that connection only (engine.io enforces it on receive).
      maxHttpBufferSize: FRAME_LIMIT_BYTES,
      pingInterval: 20_000,
      pingTimeout: 15_000,
      connectTimeout: 10_000,
      cors: { origin: this.config.ALLOWED_ORIGINS, credentials: true },
      serveClient: false,
      // Said explicitly (engine.io's default too): compressing every small event costs more CPU
      // and memory per connection (a zlib context each) than the bytes it saves.
      perMessageDeflate: false,
      httpCompression: false,
    } as ServerOptions);
    this.pub = createRedisClient(this.config.REDIS_URL, 'gateway-io-pub', { enableAutoPipelining: true });
    this.sub = createRedisClient(this.config.REDIS_URL, 'gateway-io-sub');
    const key = socketIoKey(this.config.REDIS_URL);
    server.adapter(
      this.config.SOCKET_ADAPTER === 'sharded'
        ? createShardedAdapter(this.pub, this.sub, { channelPrefix: key, subscriptionMode: 'dynamic' })
        : createAdapter(this.pub, this.sub, { key }),
    );
    return server;
  }

  /**
   * Nest's IoAdapter builds an RxJS pipeline per socket and per handler (fromEvent, mergeMap,
   * takeUntil, share: about 20 subscribers, 100 closures and 15 KB of heap per idle connection,
   * see BENCHMARKS.md) and runs every message through it. The same contract with plain listeners:
   * the handler's result (value, promise or observable) is the ack, or is emitted when it is a
   * `{ event, data }` response; nothing is sent for null/undefined.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    _transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
        const respond = (response: unknown) => {
          if (response === null || response === undefined) return;
          const { event, data: eventData } = response as { event?: string; data?: unknown };
          if (event) socket.emit(event, eventData);
          else if (!isAckHandledManually && typeof ack === 'function') (ack as (r: unknown) => void)(response);
        };
        const fail = (err: unknown) => this.logger.error(err);
        let result: unknown;
        try {
          result = callback(data, ack);
        } catch (err) {
          return fail(err);
        }
        Promise.resolve(result)
          .then((value) =>
            isObservable(value) ? void value.subscribe({ next: respond, error: fail }) : respond(value),
          )
          .catch(fail);
      });
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all([this.pub, this.sub].filter((c): c is Redis => !!c).map((c) => closeRedis(c)));
  }
}
