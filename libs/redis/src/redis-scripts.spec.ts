import { defineScripts } from './redis-scripts';
import { closeRedis, createRedisClient } from './redis.factory';
import type Redis from 'ioredis';

type Scripts = {
  plazaTestIncrBy(key: string, by: number): Promise<number>;
  plazaTestSum(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
};

const INCR_BY = `return redis.call('INCRBY', KEYS[1], ARGV[1])`;
const SUM = `local s = 0 for i = 1, #KEYS do s = s + tonumber(redis.call('GET', KEYS[i]) or '0') end return s`;

describe('defineScripts (real Redis)', () => {
  let redis: Redis;
  const key = `test:scripts:${process.pid}`;

  beforeAll(() => {
    redis = createRedisClient(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/12', 'test');
  });
  afterAll(async () => {
    await redis.del(`${key}:a`, `${key}:b`);
    await closeRedis(redis);
  });

  it('runs the scripts as commands, with fixed and per-call key counts, on the client and in pipelines', async () => {
    const scripted = defineScripts<Scripts>(redis, {
      plazaTestIncrBy: { numberOfKeys: 1, lua: INCR_BY },
      plazaTestSum: { lua: SUM },
    });
    await redis.del(`${key}:a`, `${key}:b`);
    expect(await scripted.plazaTestIncrBy(`${key}:a`, 2)).toBe(2);
    const results = await scripted
      .pipeline()
      .plazaTestIncrBy(`${key}:b`, 5)
      .plazaTestSum(2, `${key}:a`, `${key}:b`)
      .exec();
    expect(results).toEqual([
      [null, 5],
      [null, 7],
    ]);
  });

  it('keeps the first definition when a second service declares the same script on the client', async () => {
    const first = defineScripts<Scripts>(redis, {
      plazaTestIncrBy: { numberOfKeys: 1, lua: INCR_BY },
      plazaTestSum: { lua: SUM },
    });
    const command = first.plazaTestIncrBy;
    const again = defineScripts<Scripts>(redis, {
      plazaTestIncrBy: { numberOfKeys: 1, lua: INCR_BY },
      plazaTestSum: { lua: SUM },
    });
    expect(again.plazaTestIncrBy).toBe(command);
    expect(await again.plazaTestIncrBy(`${key}:a`, 1)).toBe(3);
  });
});
