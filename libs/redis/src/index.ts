export { closeRedis, createRedisClient, redisChannelPrefix } from './redis.factory';
export { REDIS, RedisModule } from './redis.module';
export type { default as Redis } from 'ioredis';
