import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { type PlazaConfig } from '@plaza/config';
import { closeRedis, createRedisClient, type Redis, socketIoKey } from '@plaza/redis';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';

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
    } as ServerOptions) as Server;
    this.pub = createRedisClient(this.config.REDIS_URL, 'gateway-io-pub');
    this.sub = createRedisClient(this.config.REDIS_URL, 'gateway-io-sub');
    const key = socketIoKey(this.config.REDIS_URL);
    server.adapter(
      process.env.SOCKET_ADAPTER === 'sharded'
        ? createShardedAdapter(this.pub, this.sub, { channelPrefix: key, subscriptionMode: 'dynamic' })
        : createAdapter(this.pub, this.sub, { key }),
    );
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all([this.pub, this.sub].filter((c): c is Redis => !!c).map((c) => closeRedis(c)));
  }
}
