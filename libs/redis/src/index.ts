export { closeRedis, createRedisClient, redisChannelPrefix, socketIoKey } from './redis.factory';
export { REDIS, RedisModule } from './redis.module';
export type { default as Redis } from 'ioredis';
export {
  defineScripts,
  type ScriptDefinition,
  type ScriptedPipeline,
  type ScriptedRedis,
  type ScriptSignatures,
} from './redis-scripts';
export { ModelRebuilder, type ModelRebuilderOptions } from './model-rebuilder';
