import { randomUUID } from 'node:crypto';
import { createRedisClient } from './redis.factory';
import { ModelRebuilder } from './model-rebuilder';

describe('ModelRebuilder (real Redis)', () => {
  const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'test');
  afterAll(async () => {
    await redis.quit();
  });

  it('rebuilds a missing model once across processes and calls, and not while it is ready', async () => {
    const marker = `test:model:${randomUUID()}`;
    let rebuilds = 0;
    const rebuilder = () =>
      new ModelRebuilder(redis, {
        name: 'test model',
        lockKey: `${marker}:lock`,
        isReady: async () => (await redis.exists(marker)) === 1,
        rebuild: async () => {
          rebuilds += 1;
          await new Promise((r) => setTimeout(r, 50));
          await redis.set(marker, '1');
        },
      });
    const [a, b] = [rebuilder(), rebuilder()];
    const results = await Promise.all([a.rebuildIfMissing(), b.rebuildIfMissing(), a.rebuildIfMissing()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(rebuilds).toBe(1);
    expect(await a.rebuildIfMissing()).toBe(false);
    // Lost again (Redis restarted empty): the next check rebuilds.
    await redis.del(marker);
    expect(await b.rebuildIfMissing()).toBe(true);
    expect(rebuilds).toBe(2);
    expect(await redis.exists(`${marker}:lock`)).toBe(0);
    await redis.del(marker);
  });
});
