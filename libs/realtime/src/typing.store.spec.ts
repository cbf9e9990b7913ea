import { createRedisClient, type Redis } from '@plaza/redis';
import { type RedisServer, startRedisServer } from '@plaza/testing';
import { conversationKindKey, conversationMembersKey } from './read-models';
import { blocksKey, SAFETY_READY_KEY, SafetyGraphUnavailableError } from './safety-graph';
import { TypingStore } from './typing.store';

/** A Redis of its own: the spec takes the safety graph's ready flag away. */
describe('TypingStore.start (real Redis)', () => {
  let server: RedisServer;
  let redis: Redis;
  let store: TypingStore;
  const limit = (user: string) => ({ key: `limit:${user}`, max: 3 });

  beforeAll(async () => {
    server = await startRedisServer();
    redis = createRedisClient(server.url, 'test');
    store = new TypingStore(redis);
    await redis
      .multi()
      .set(SAFETY_READY_KEY, '1')
      .sadd(conversationMembersKey('group'), 'ann', 'bob', 'cid')
      .set(conversationKindKey('group'), 'group')
      .sadd(conversationMembersKey('direct'), 'ann', 'cid')
      .set(conversationKindKey('direct'), 'direct')
      // Blocks are written both ways (SafetyGraph.writePair).
      .sadd(blocksKey('ann'), 'cid')
      .sadd(blocksKey('cid'), 'ann')
      .exec();
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('starts typing in a group and names the members blocked either way', async () => {
    const started = await store.start('group', 'ann', limit('ann-group'));
    expect(started).toEqual({ outcome: 'started', members: expect.any(Array), blocked: new Set(['cid']) });
    expect(started.outcome === 'started' && started.members.sort()).toEqual(['ann', 'bob', 'cid']);
    expect(await redis.zscore('rt:typing:deadlines', TypingStore.member('group', 'ann'))).not.toBeNull();
  });

  it('refuses a direct conversation across a block before the rate limit counts it', async () => {
    expect(await store.start('direct', 'cid', limit('cid-direct'))).toEqual({ outcome: 'blocked' });
    expect(await redis.get('limit:cid-direct')).toBeNull();
    expect(await redis.zscore('rt:typing:deadlines', TypingStore.member('direct', 'cid'))).toBeNull();
  });

  it('answers not_member for someone outside the conversation, and limits starts per second', async () => {
    expect(await store.start('direct', 'bob', limit('bob'))).toEqual({ outcome: 'not_member' });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await store.start('group', 'bob', limit('bob-group'))).outcome);
    expect(outcomes).toEqual(['started', 'started', 'started', 'rate_limited']);
  });

  it('fails closed while the safety graph is missing', async () => {
    await redis.del(SAFETY_READY_KEY);
    try {
      await expect(store.start('group', 'bob', limit('bob-missing'))).rejects.toBeInstanceOf(
        SafetyGraphUnavailableError,
      );
    } finally {
      await redis.set(SAFETY_READY_KEY, '1');
    }
  });
});
