import { randomUUID } from 'node:crypto';
import { createRedisClient, type Redis } from '@plaza/redis';
import { sessionKey, SessionStore } from './session.store';

describe('SessionStore.endedAmong (real Redis)', () => {
  let redis: Redis;
  let store: SessionStore;
  beforeAll(() => {
    redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'test');
    // A one-hour idle timeout, so a session last seen two hours ago is over although it exists.
    store = new SessionStore(redis, undefined, { idleTtlSeconds: 3600 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  const create = async () =>
    (
      await store.create({
        userId: randomUUID(),
        roles: ['member'],
        permissions: [],
        persistence: 'session',
        ttlSeconds: 24 * 3600,
      })
    ).session.id;

  it('names the signed-out, idle and unknown sessions, and only those, in one call', async () => {
    const [live, revoked, idle] = await Promise.all([create(), create(), create()]);
    await store.revoke(revoked);
    await redis.hset(sessionKey(idle), 'lastSeenAt', Date.now() - 2 * 3600_000);
    const unknown = randomUUID();
    expect(await store.endedAmong([live, revoked, idle, unknown, live, 'not-a-uuid'])).toEqual(
      new Set([revoked, idle, unknown, 'not-a-uuid']),
    );
    expect(await store.endedAmong([])).toEqual(new Set());
    await Promise.all([store.revoke(live), store.revoke(idle)]);
  });
});
