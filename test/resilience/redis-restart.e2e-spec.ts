import { randomUUID } from 'node:crypto';
import { connectRecording, loginUser, sleep, waitFor } from '@plaza/testing';
import { aliceAndBobScene, crashed, isErrorShape, scale, useRig } from './rig';
import { history, loop } from './traffic';

const OUTAGE_MS = scale(3000, 10_000);
const BEFORE_MS = scale(2000, 10_000);
const AFTER_MS = scale(3000, 10_000);

/** Redis (sessions, streams, event logs, adapter) SIGKILLed and restarted empty under traffic. */
describe('resilience: Redis restarted under message and post traffic', () => {
  const { rig, sockets } = useRig();

  it('loses no accepted message or post, answers 401/503 cleanly meanwhile, reports and recovers readiness', async () => {
    const { platform, redis } = rig();
    const { api, alice, bob, conversationId, bobLive, sender, poster } = await aliceAndBobScene(rig(), sockets);
    const ready = async (url: string) => {
      const res = await fetch(`${url}/health/ready`);
      return { status: res.status, body: (await res.json()) as { failing?: string[] } };
    };
    const readiness: { name: string; url: string }[] = platform.processes.map((p) => ({ name: p.name, url: p.url }));

    let lastSeen: unknown;
    const traffic = [
      loop(3, (lane, i) => sender.sendMessage(conversationId, `m ${lane}/${i}`)),
      loop(2, (lane, i) => poster.createPost(`p ${lane}/${i}`)),
    ];

    await sleep(BEFORE_MS);
    const lastEventBefore = bobLive.log.events.filter((e) => e.payload?.eventId).at(-1)?.payload.eventId as
      string | undefined;
    expect(lastEventBefore).toBeDefined();
    const killedAt = Date.now();
    await redis.kill();

    // Every process notices and names Redis in its readiness answer.
    const outage = await Promise.all(
      readiness.map(({ url }) =>
        waitFor(
          async () => {
            const r = await ready(url);
            lastSeen = r;
            return r.status === 503 && r.body.failing?.includes('redis') ? r : null;
          },
          { timeoutMs: OUTAGE_MS + 2000, message: `readiness 503 naming redis at ${url}` },
        ),
      ),
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last answer ${JSON.stringify(lastSeen)}`);
    });
    expect(outage).toHaveLength(readiness.length);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - killedAt)));
    await redis.restart();
    const restartedAt = Date.now();
    await Promise.all(
      readiness.map(({ url }) =>
        waitFor(async () => (await ready(url)).status === 200, { timeoutMs: 20_000, message: `ready again at ${url}` }),
      ),
    );
    const readyAfterMs = Date.now() - restartedAt;

    await sleep(AFTER_MS);
    sender.stopped = poster.stopped = true;
    await Promise.all(traffic.map((t) => t.stop()));

    // Clients that lost their session sign in again; then everything works.
    const aliceNow = await loginUser(api, alice.email);
    const bobNow = await loginUser(api, bob.email);

    // Every accepted message is stored once, in a gapless seq order.
    const stored = await history(api, bobNow.accessToken, conversationId);
    const byClientId = new Map(stored.map((m) => [m.clientMsgId, m]));
    const lostMessages = [...sender.acceptedMessages].filter(
      ([clientMsgId, id]) => byClientId.get(clientMsgId)?.id !== id,
    );
    expect(lostMessages).toEqual([]);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(byClientId.size).toBe(stored.length);

    // Every accepted post is readable, and in the follower's timeline.
    const lostPosts: string[] = [];
    for (const id of poster.acceptedPosts.values()) {
      if ((await api.get(`/api/posts/${id}`, { token: bobNow.accessToken })).status !== 200) lostPosts.push(id);
    }
    expect(lostPosts).toEqual([]);
    // Every accepted post is in the follower's whole timeline (paged: a post retried across the
    // outage is accepted late but keeps its first createdAt, so "newest accepted" is not "newest").
    // The last ones may still be on their way through the fan-out (the contract allows a second).
    const missingFromFeed = async () => {
      const inFeed = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await api.get<{
          items: { id: string }[];
          nextCursor: string | null;
        }>(`/api/feed?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: bobNow.accessToken });
        expect(page.status).toBe(200);
        for (const p of page.body.items) inFeed.add(p.id);
        cursor = page.body.nextCursor;
      } while (cursor);
      return [...poster.acceptedPosts.values()].filter((id) => !inFeed.has(id));
    };
    await waitFor(async () => (await missingFromFeed()).length === 0, {
      timeoutMs: 5000,
      message: 'every post in the feed',
    }).catch(() => undefined);
    expect(await missingFromFeed()).toEqual([]);

    // No 500 ever: only successes, clean 401s (session gone with Redis) and 503s.
    const statuses = [...sender.statuses.keys(), ...poster.statuses.keys()];
    expect(statuses.filter((s) => ![200, 201, 401, 503].includes(s))).toEqual([]);

    // Bob's client reconnects with the last eventId it saw. Redis came back empty, so that event is
    // not in the new log: what followed it may be lost, and the client must be told to refetch.
    const back = await connectRecording(platform.gateways[0], {
      token: bobNow.accessToken,
      lastEventId: lastEventBefore,
    });
    sockets.push(back.socket);
    await waitFor(() => back.log.events.length > 0, { message: 'replay or sync:required' });
    expect(back.log.events[0].name).toBe('sync:required');
    expect(['too_old', 'log_expired']).toContain(back.log.events[0].payload.reason);
    // Live delivery works again on both gateways.
    const live = await api.post<{ id: string }>(
      `/api/conversations/${conversationId}/messages`,
      { text: 'after the storm', clientMsgId: randomUUID() },
      { token: aliceNow.accessToken },
    );
    expect(live.status).toBe(201);
    await waitFor(() => back.log.of('message:new').some((m: { id: string }) => m.id === live.body.id), {
      message: 'live message:new',
    });
    const liveIds = back.log.of('message:new').map((m: { id: string }) => m.id);
    expect(new Set(liveIds).size).toBe(liveIds.length);

    // A token of a session that Redis lost is refused with the contract's 401, never a 500.
    const stale = await api.get('/api/auth/me', { token: alice.token });
    expect(stale.status).toBe(401);
    expect(isErrorShape(stale.body, 401)).toBe(true);
    expect(crashed(platform)).toEqual([]);

    process.stdout.write(
      `[resilience] redis restart: ${sender.acceptedMessages.size} messages and ${poster.acceptedPosts.size} posts accepted, ` +
        `0 lost; statuses ${JSON.stringify(Object.fromEntries(sender.statuses))} / ${JSON.stringify(Object.fromEntries(poster.statuses))}; ` +
        `relogins ${sender.relogins + poster.relogins}; ready ${readyAfterMs} ms after restart; ` +
        `max write latency ${Math.max(sender.maxLatencyMs, poster.maxLatencyMs)} ms; reconnect got ${back.log.events[0].name}\n`,
    );
  }, 120_000);
});
