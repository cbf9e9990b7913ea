import { createRedisClient, type Redis } from '@plaza/redis';
import {
  type ApiResponse,
  connectSocket,
  type Member,
  nextEvent,
  recordEvents,
  sharedPlatform,
  sleep,
  type TestSocket,
} from '@plaza/testing';
import { connect, feedIds, follow, members, post, unfollow, waitForFeed } from './feed.helpers';

/** The home timeline: fan-out, graph changes, pagination under inserts, cache loss, live pushes. */
describe('feed: home timeline', () => {
  const platform = sharedPlatform();
  const [api, api2] = platform.api;
  const [gwA, gwB] = platform.gateways;
  let redis: Redis;
  const sockets: TestSocket[] = [];

  beforeAll(() => {
    redis = createRedisClient(process.env.REDIS_URL!, 'feed-test');
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** Every page of a feed, following nextCursor; `between` runs after each page. */
  async function allPages(
    viewer: Member,
    limit: number,
    between: (page: number) => Promise<void> = async () => undefined,
  ): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res: ApiResponse = await (page % 2 ? api2 : api).get(
        `/api/feed?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        { token: viewer.token },
      );
      expect(res.status).toBe(200);
      ids.push(...res.body.items.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
      if (!cursor) return ids;
      await between(page);
    }
    throw new Error('feed never ended');
  }

  it("shows the caller's own posts and their followees' posts, newest first, and not others'", async () => {
    const [me, followee, other] = await members(api, 3);
    await follow(api, me, followee);
    const a = await post(api, me, 'mine');
    const b = await post(api, followee, 'theirs');
    const c = await post(api, other, 'not followed');
    const ids = await waitForFeed(api, me, (x) => x.includes(b.id), 'the followee post');
    expect(ids).toEqual([b.id, a.id]);
    expect(ids).not.toContain(c.id);
  });

  it("brings a new followee's earlier posts in, and takes them out on unfollow", async () => {
    const [reader, author] = await members(api, 2);
    const old = [await post(api, author, 'old 1'), await post(api, author, 'old 2')];
    // Warm the reader's cached timeline first, so the follow must update it.
    expect(await feedIds(api, reader)).toEqual([]);
    await follow(api, reader, author);
    expect(await waitForFeed(api, reader, (x) => x.length === 2, 'earlier posts after follow')).toEqual([
      old[1].id,
      old[0].id,
    ]);
    await unfollow(api, reader, author);
    expect(await waitForFeed(api, reader, (x) => x.length === 0, 'posts gone after unfollow')).toEqual([]);
    const cached = await redis.zrange(`tl:${reader.id}`, '0', '-1');
    expect(cached.filter((id) => old.some((p) => p.id === id))).toEqual([]);
  });

  it('a new connection brings connections-only posts in; a removed one takes them out', async () => {
    const [a, b] = await members(api, 2);
    const secret = await post(api, b, 'for connections', { visibility: 'connections' });
    await feedIds(api, a);
    await connect(api, a, b);
    await waitForFeed(api, a, (x) => x.includes(secret.id), 'connections post after connecting');
    expect((await api.delete(`/api/connections/${b.id}`, { token: a.token })).status).toBe(204);
    await waitForFeed(api, a, (x) => !x.includes(secret.id), 'connections post gone after disconnecting');
  });

  it('paginates 45 posts without duplicates or gaps while new posts arrive between pages', async () => {
    const [reader, author1, author2] = await members(api, 3);
    await follow(api, reader, author1);
    await follow(api, reader, author2);
    await waitForFeed(api, reader, () => true, 'reader ready');
    const created: string[] = [];
    for (let i = 0; i < 45; i++) created.push((await post(api, i % 3 ? author1 : author2, `post ${i}`)).id);
    const expected = [...created].reverse();
    await waitForFeed(api, reader, (x) => x.length === 45, 'all 45 posts fanned out');

    const arrivals: string[] = [];
    const seen = await allPages(reader, 10, async (page) => {
      arrivals.push((await post(api, page % 2 ? author1 : reader, `arrival ${page}`)).id);
      arrivals.push((await post(api, author2, `arrival ${page}b`)).id);
    });
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);

    // A fresh walk sees the arrivals first, then the same 45, still without duplicates.
    await waitForFeed(api, reader, (x) => x.length === 45 + arrivals.length, 'arrivals fanned out');
    const again = await allPages(reader, 7);
    expect(again).toEqual([...[...arrivals].reverse(), ...expected]);

    // Flushing the cached timelines of this run's users changes nothing: PostgreSQL is the truth.
    const keys = await redis.keys('tl:*');
    expect(keys).toContain(`tl:${reader.id}`);
    await redis.del(...keys);
    expect(await allPages(reader, 7)).toEqual(again);
    expect(await redis.exists(`tl:${reader.id}`)).toBe(1);
    expect(await allPages(reader, 100)).toEqual(again);
  });

  it("drops a deleted post from followers' feeds", async () => {
    const [reader, author] = await members(api, 2);
    await follow(api, reader, author);
    const p = await post(api, author, 'short-lived');
    await waitForFeed(api, reader, (x) => x.includes(p.id), 'post fanned out');
    expect((await api.delete(`/api/posts/${p.id}`, { token: author.token })).status).toBe(204);
    expect(await feedIds(api, reader)).not.toContain(p.id);
  });

  describe('live', () => {
    it('pushes feed:post to a follower on the other gateway within a second, and feed:post-deleted', async () => {
      const [follower, author, outsider] = await members(api, 3);
      await follow(api, follower, author);
      await waitForFeed(api, follower, () => true, 'ready');
      // Wait until the follow reached the feed's read model: an earlier post shows up in the feed.
      const warmup = await post(api, author, 'warm-up');
      await waitForFeed(api, follower, (x) => x.includes(warmup.id), 'follow known to the feed');

      const onB = await connectSocket(gwB, { token: follower.token });
      const own = await connectSocket(gwA, { token: author.token });
      const stranger = await connectSocket(gwA, { token: outsider.token });
      sockets.push(onB, own, stranger);
      const strangerLog = recordEvents(stranger);
      const received = nextEvent(onB, 'feed:post', 3000);
      const ownReceived = nextEvent(own, 'feed:post', 3000);
      const started = Date.now();
      const p = await post(api, author, 'live!');
      const payload = await received;
      const elapsed = Date.now() - started;
      expect(payload).toEqual({ ...p, eventId: expect.any(String) });
      expect(elapsed).toBeLessThan(1000);
      expect((await ownReceived).id).toBe(p.id);

      const deleted = nextEvent(onB, 'feed:post-deleted', 3000);
      expect((await api.delete(`/api/posts/${p.id}`, { token: author.token })).status).toBe(204);
      expect(await deleted).toEqual({ postId: p.id, eventId: expect.any(String) });
      await sleep(200);
      expect(strangerLog.of('feed:post')).toEqual([]);
      expect(strangerLog.of('feed:post-deleted')).toEqual([]);
    });

    it('pushes a connections-only post to connections only', async () => {
      const [author, friend, follower] = await members(api, 3);
      await connect(api, author, friend);
      await follow(api, follower, author);
      const warmup = await post(api, author, 'warm-up');
      await waitForFeed(api, follower, (x) => x.includes(warmup.id), 'follow known');
      await waitForFeed(api, friend, (x) => x.includes(warmup.id), 'connection known');
      const friendSocket = await connectSocket(gwA, { token: friend.token });
      const followerSocket = await connectSocket(gwB, { token: follower.token });
      sockets.push(friendSocket, followerSocket);
      const followerLog = recordEvents(followerSocket);
      const got = nextEvent(friendSocket, 'feed:post', 3000);
      const secret = await post(api, author, 'private', { visibility: 'connections' });
      expect((await got).id).toBe(secret.id);
      const pub = nextEvent(followerSocket, 'feed:post', 3000);
      const open = await post(api, author, 'public');
      expect((await pub).id).toBe(open.id);
      expect(followerLog.of('feed:post').map((x: { id: string }) => x.id)).toEqual([open.id]);
    });
  });
});
