import { randomBytes } from 'node:crypto';
import { createRedisClient, type Redis } from '@plaza/redis';
import {
  apiClient,
  type ApiClient,
  type ApiResponse,
  createTestDatabase,
  dropTestDatabase,
  type Member,
  type Platform,
  startPlatform,
} from '@plaza/testing';
import { follow, members, post, waitForFeed } from './feed.helpers';

/**
 * The hybrid timeline on a platform of its own with a tiny threshold and cap: an author over the
 * threshold is merged at read instead of fanned out, and a timeline truncated by the cap
 * continues from PostgreSQL. Pages must still come out in exact (createdAt, id) order.
 */
describe('feed: hybrid fan-out and truncated timelines', () => {
  let platform: Platform;
  let databaseUrl: string;
  let api: ApiClient;
  let redis: Redis;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('plaza_feed_hybrid');
    platform = await startPlatform({
      databaseUrl,
      apps: ['auth', 'profiles', 'feed'],
      gateways: 1,
      // Its own streams: the shared platform's consumers must not see these events.
      env: {
        FEED_FANOUT_THRESHOLD: '2',
        FEED_TIMELINE_CAP: '10',
        EVENTS_STREAM_PREFIX: `plaza:test-hybrid:${randomBytes(4).toString('hex')}`,
      },
    });
    api = apiClient(platform.gateways[0]);
    redis = createRedisClient(platform.env.REDIS_URL, 'feed-hybrid-test');
  }, 60_000);

  afterAll(async () => {
    await redis?.quit();
    await platform?.stop();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const order = (posts: Array<{ id: string; createdAt: string }>) =>
    [...posts]
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
      .map((p) => p.id);

  async function walk(viewer: Member, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await api.get(`/api/feed?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
        token: viewer.token,
      });
      expect(res.status).toBe(200);
      ids.push(...res.body.items.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return ids;
  }

  it('merges a heavy author at read, continues a truncated cache from PostgreSQL, in exact order', async () => {
    const [reader, celebrity, plain, fan1, fan2] = await members(api, 5);
    for (const f of [reader, fan1, fan2]) await follow(api, f, celebrity);
    await follow(api, reader, plain);
    const warm = await post(api, plain, 'warm-up');
    await waitForFeed(api, reader, (x) => x.includes(warm.id), 'follows known to the feed');

    const created = [warm];
    for (let i = 0; i < 24; i++) created.push(await post(api, i % 3 === 0 ? celebrity : plain, `post ${i}`));
    const celebIds = created.filter((p) => p.author.id === celebrity.id).map((p) => p.id);
    await waitForFeed(api, reader, (x) => x.length === Math.min(100, created.length), 'every post visible');

    // Heavy author: never written into followers' cached timelines; the cache holds at most the cap.
    const cached = await redis.zrange(`tl:${reader.id}`, '0', '-1');
    expect(cached.length).toBeLessThanOrEqual(10);
    expect(cached.filter((id) => celebIds.includes(id))).toEqual([]);

    const expected = order(created);
    for (const limit of [3, 7, 20]) expect(await walk(reader, limit)).toEqual(expected);
    // The heavy author's own timeline still gets their posts.
    expect(await walk(celebrity, 5)).toEqual(order(created.filter((p) => p.author.id === celebrity.id)));
  });
});
