import { Logger } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';

const logger = new Logger('Redis');

/**
 * The one place Redis clients are created: every client gets an error listener (an unhandled
 * 'error' event would crash the process) and bounded reconnect backoff.
 */
export function createRedisClient(url: string, name: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    connectionName: `plaza:${name}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    ...options,
  });
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    // A down Redis emits an error per reconnect attempt; one line every 5 s is enough.
    const now = Date.now();
    if (now - lastLogged > 5000) {
      lastLogged = now;
      logger.warn(`${name}: ${err.message}`);
    }
  });
  return client;
}

/** Socket.io adapter channels are global across Redis databases; scope them by database index. */
export function redisChannelPrefix(url: string): string {
  const db = new URL(url).pathname.replace('/', '') || '0';
  return `plaza:${db}`;
}

export async function closeRedis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** The socket.io adapter/emitter channel key; gateways and every emitter must agree on it. */
export function socketIoKey(url: string): string {
  return `${redisChannelPrefix(url)}:socket.io`;
}
