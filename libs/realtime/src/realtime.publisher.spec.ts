import { createRedisClient, type Redis, socketIoKey } from '@plaza/redis';
import { randomUUID } from 'node:crypto';
import { compareStreamIds, eventIdOf, eventLogKey, streamIdOf } from './event-log';
import { decode } from 'notepack.io';
import { presenceKey } from './presence-keys';
import { RealtimePublisher } from './realtime.publisher';

describe('event ids', () => {
  it('are fixed width, so string order is log order', () => {
    const ids = ['1795570464214-9', '1795570464214-10', '1795570464215-0'].map(eventIdOf);
    expect(ids).toEqual(['0001795570464214-000009', '0001795570464214-000010', '0001795570464215-000000']);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map(streamIdOf)).toEqual(['1795570464214-9', '1795570464214-10', '1795570464215-0']);
    expect(compareStreamIds('1795570464214-9', '1795570464214-10')).toBeLessThan(0);
  });

  it('refuse anything else', () => {
    for (const bad of [undefined, null, 42, '', 'abc', '1-2-3', '-1', '1795570464214', { id: 1 }])
      expect(streamIdOf(bad)).toBeNull();
  });
});

describe('RealtimePublisher log retention (real Redis)', () => {
  let redis: Redis;
  let publisher: RealtimePublisher;
  beforeAll(() => {
    redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'test');
    publisher = new RealtimePublisher(redis, process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await redis.quit();
  });

  const seed = async (userId: string, count: number, ageMs: number) => {
    const base = Date.now() - ageMs;
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i++)
      pipeline.xadd(
        eventLogKey(userId),
        `${base}-${i}`,
        'd',
        JSON.stringify({ e: 'feed:post-deleted', p: { postId: `old-${i}` } }),
      );
    await pipeline.exec();
  };

  it('drops events older than 24 h beyond the last 1,000', async () => {
    const userId = randomUUID();
    await seed(userId, 1500, 48 * 3600_000);
    for (let i = 0; i < 100; i++) await publisher.pushDurable([userId], 'feed:post-deleted', { postId: `new-${i}` });
    const length = await redis.xlen(eventLogKey(userId));
    expect(length).toBeGreaterThanOrEqual(1000);
    expect(length).toBeLessThan(1600);
    const newest = await redis.xrevrange(eventLogKey(userId), '+', '-', 'COUNT', 100);
    expect(newest.map(([, f]) => JSON.parse(f[1]).p.postId)).toEqual(
      [...Array(100).keys()].map((i) => `new-${99 - i}`),
    );
    await redis.del(eventLogKey(userId));
  });

  it('keeps everything younger than 24 h, even past 1,000 events', async () => {
    const userId = randomUUID();
    await seed(userId, 1500, 10 * 60_000);
    for (let i = 0; i < 100; i++) await publisher.pushDurable([userId], 'feed:post-deleted', { postId: `new-${i}` });
    expect(await redis.xlen(eventLogKey(userId))).toBe(1600);
    expect(await redis.ttl(eventLogKey(userId))).toBeGreaterThan(6 * 24 * 3600);
    await redis.del(eventLogKey(userId));
  });

  it('gives each user of one push its own increasing eventId', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const first = await publisher.pushDurable([a, b, a], 'feed:post-deleted', { postId: 'x' });
    expect([...first.keys()]).toEqual([a, b]);
    const second = await publisher.pushDurable([a], 'feed:post-deleted', { postId: 'y' });
    expect(second.get(a)! > first.get(a)!).toBe(true);
    await redis.del(eventLogKey(a), eventLogKey(b));
  });

  it('fans a large audience out online users first, each packet addressed to its own room, all logged', async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    // Ids of other lengths (rooms that need a frame of their own) among the UUIDs; more than one
    // presence script's worth (1,000).
    const users = [...Array.from({ length: 1197 }, () => randomUUID()), 'odd-1', 'odd-22', `odd-${randomUUID()}`];
    const online = new Set(users.filter((_, i) => i % 40 === 7));
    await Promise.all([...online].map((u) => redis.hset(presenceKey(u), 'gw', '1')));
    const subscriber = createRedisClient(url, 'test-sub');
    const received: string[] = [];
    const eventIds = new Map<string, string>();
    subscriber.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => {
      const [, packet, opts] = decode(message) as [
        string,
        { data: [string, { postId: string; eventId: string }] },
        { rooms: string[] },
      ];
      eventIds.set(opts.rooms[0], packet.data[1].eventId);
      expect(packet.data).toEqual(['feed:post-deleted', expect.objectContaining({ postId: 'quoted user:x' })]);
      received.push(opts.rooms[0]);
    });
    await subscriber.psubscribe(`${socketIoKey(url)}#/#user:*`);
    try {
      const ids = await publisher.pushDurable(users, 'feed:post-deleted', { postId: 'quoted user:x' });
      expect(ids.size).toBe(users.length);
      await waitUntil(() => received.length === users.length);
      for (const u of users) expect(eventIds.get(`user:${u}`)).toBe(ids.get(u));
      expect(new Set(received)).toEqual(new Set(users.map((u) => `user:${u}`)));
      expect(new Set(received.slice(0, online.size))).toEqual(new Set([...online].map((u) => `user:${u}`)));
      const lengths = await Promise.all(users.map((u) => redis.xlen(eventLogKey(u))));
      expect(lengths.every((n) => n === 1)).toBe(true);
    } finally {
      await subscriber.quit();
      await redis.del(...users.map(eventLogKey), ...[...online].map(presenceKey));
    }
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
