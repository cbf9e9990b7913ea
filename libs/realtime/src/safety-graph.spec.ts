import { createRedisClient, type Redis } from '@plaza/redis';
import { type RedisServer, startRedisServer } from '@plaza/testing';
import { connectionsKey } from './read-models';
import { blocksKey, followingKey, SAFETY_READY_KEY, SafetyGraph, SafetyGraphUnavailableError } from './safety-graph';

/** A Redis of its own: the spec takes the graph's ready flag away, which a shared platform must never see. */
describe('SafetyGraph.audienceNow (real Redis)', () => {
  let server: RedisServer;
  let redis: Redis;
  let graph: SafetyGraph;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = createRedisClient(server.url, 'test');
    graph = new SafetyGraph(redis);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  // 2,500 candidates: three script calls, the last one partial.
  const candidates = Array.from({ length: 2500 }, (_, i) => `user-${i}`);
  const author = 'author';
  const follower = (i: number) => i % 3 !== 0;
  const connected = (i: number) => i % 5 === 0;
  const blocked = (i: number) => i % 7 === 0;

  beforeAll(async () => {
    const p = redis.pipeline().set(SAFETY_READY_KEY, '1');
    candidates.forEach((c, i) => {
      if (follower(i)) p.sadd(followingKey(c), author);
      if (connected(i)) p.sadd(connectionsKey(author), c);
      if (blocked(i)) p.sadd(blocksKey(author), c);
    });
    await p.exec();
  });

  it('keeps, for a public post, followers and connections with no block either way, in order', async () => {
    const expected = candidates.filter((_, i) => !blocked(i) && (connected(i) || follower(i)));
    expect(await graph.audienceNow(author, candidates, 'public')).toEqual(expected);
  });

  it('keeps only connections for a connections-only post', async () => {
    const expected = candidates.filter((_, i) => !blocked(i) && connected(i));
    expect(await graph.audienceNow(author, candidates, 'connections')).toEqual(expected);
  });

  it('fails closed while the graph is not ready', async () => {
    await redis.del(SAFETY_READY_KEY);
    try {
      await expect(graph.audienceNow(author, candidates, 'public')).rejects.toBeInstanceOf(SafetyGraphUnavailableError);
    } finally {
      await redis.set(SAFETY_READY_KEY, '1');
    }
  });

  it('answers concurrent blockedAmong calls each for itself, in one round trip', async () => {
    const pipelines = jest.spyOn(redis, 'pipeline');
    try {
      const [a, b, none, c] = await Promise.all([
        graph.blockedAmong(author, ['user-0', 'user-1', 'user-7']),
        graph.blockedAmong(author, ['user-2']),
        graph.blockedAmong(author, []),
        graph.blockedAmong('user-14', [author, 'user-0']),
      ]);
      expect([a, b, none, c]).toEqual([new Set(['user-0', 'user-7']), new Set(), new Set(), new Set()]);
      expect(pipelines).toHaveBeenCalledTimes(1);
    } finally {
      pipelines.mockRestore();
    }
  });
});
