import { randomUUID } from 'node:crypto';
import { sleep, waitFor } from '@plaza/testing';
import { aliceAndBobScene, crashed, isErrorShape, scale, useRig } from './rig';
import { feedIds, history, loop } from './traffic';

const OUTAGE_MS = scale(5000, 10_000);
const BEFORE_MS = scale(1500, 5000);
/** A write during the outage must be refused within this (the pool's connect timeout is 5 s). */
const MAX_REFUSAL_MS = 3000;
const SCHEMAS = ['auth', 'profiles', 'feed', 'messaging'];

/** PostgreSQL made unavailable (connections cut, new ones refused) by a proxy in front of it. */
describe('resilience: PostgreSQL unavailable', () => {
  const { rig, sockets } = useRig({ pgProxy: true });

  it(`refuses writes fast with 503 for ${OUTAGE_MS / 1000} s, pushes nothing unstored, loses no outbox event, then works again`, async () => {
    const { platform, pg } = rig();
    const { api, api2, alice, bob, conversationId, bobLive, sender, poster } = await aliceAndBobScene(rig(), sockets);
    const traffic = [
      loop(2, (lane, i) => sender.sendMessage(conversationId, `m ${lane}/${i}`)),
      loop(2, (lane, i) => poster.createPost(`p ${lane}/${i}`)),
    ];
    await sleep(BEFORE_MS);

    await pg!.down();
    const downAt = Date.now();
    // Probes during the outage: one write of each kind at a time, each timed.
    const refusals: { kind: string; status: number; ms: number; body: unknown }[] = [];
    const probe = async (kind: string, run: () => Promise<{ status: number; body: unknown }>) => {
      const started = Date.now();
      const res = await run();
      refusals.push({ kind, status: res.status, ms: Date.now() - started, body: res.body });
    };
    let postgresNamed = 0;
    while (Date.now() - downAt < OUTAGE_MS - 500) {
      await Promise.all([
        probe('message', () =>
          api.post(
            `/api/conversations/${conversationId}/messages`,
            { text: 'probe', clientMsgId: randomUUID() },
            { token: alice.token },
          ),
        ),
        probe('post', () => api2.post('/api/posts', { text: 'probe' }, { token: alice.token })),
        probe('follow', () => api.put(`/api/follows/${bob.id}`, undefined, { token: alice.token })),
        (async () => {
          const ready = await fetch(`${platform.apps.feed.url}/health/ready`);
          const body = (await ready.json()) as { failing?: string[] };
          if (ready.status === 503 && body.failing?.includes('postgres')) postgresNamed += 1;
        })(),
      ]);
      await sleep(200);
    }
    await pg!.up();
    const upAt = Date.now();
    await Promise.all(
      platform.processes
        .filter((p) => !p.name.startsWith('gateway'))
        .map((p) =>
          waitFor(async () => (await fetch(`${p.url}/health/ready`)).status === 200, {
            timeoutMs: 20_000,
            message: `${p.name} ready`,
          }),
        ),
    );
    const readyAfterMs = Date.now() - upAt;
    // Writes work again at once, with a live push.
    const back = await waitFor(
      async () => {
        const res = await api.post<{ id: string }>(
          `/api/conversations/${conversationId}/messages`,
          { text: 'back', clientMsgId: randomUUID() },
          { token: alice.token },
        );
        return res.status === 201 ? res.body : null;
      },
      { timeoutMs: 10_000, message: 'a message accepted after the outage' },
    );
    const writableAfterMs = Date.now() - upAt;
    await waitFor(() => bobLive.log.of('message:new').some((m: { id: string }) => m.id === back.id), {
      message: 'live push after the outage',
    });
    await sleep(scale(1000, 3000));
    sender.stopped = poster.stopped = true;
    await Promise.all(traffic.map((t) => t.stop()));

    // Every write during the outage was refused with the contract's 503, quickly.
    expect(refusals.length).toBeGreaterThan(0);
    const wrong = refusals.filter((r) => r.status !== 503 || !isErrorShape(r.body, 503));
    expect(wrong).toEqual([]);
    const maxRefusalMs = Math.max(...refusals.map((r) => r.ms));
    expect(maxRefusalMs).toBeLessThan(MAX_REFUSAL_MS);
    expect(postgresNamed).toBeGreaterThan(0);
    // The traffic clients saw no 500 and no hung request either.
    const statuses = [...sender.statuses.keys(), ...poster.statuses.keys()];
    expect(statuses.filter((s) => ![200, 201, 503].includes(s))).toEqual([]);

    // Nothing was pushed that was not stored; every accepted write is stored once.
    const stored = await history(api, bob.token, conversationId);
    const storedIds = new Set(stored.map((m) => m.id));
    const pushed = bobLive.log.of('message:new') as { id: string }[];
    expect(pushed.filter((m) => !storedIds.has(m.id))).toEqual([]);
    expect([...sender.acceptedMessages.values()].filter((id) => !storedIds.has(id))).toEqual([]);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const pushedPosts = () => bobLive.log.of('feed:post') as { id: string }[];
    for (const p of pushedPosts()) expect((await api.get(`/api/posts/${p.id}`, { token: bob.token })).status).toBe(200);

    // No outbox event lost: every outbox drained, and every accepted post reached the follower's
    // timeline through the fan-out consumer (and, pushed live, the follower's socket).
    await waitFor(
      async () => (await Promise.all(SCHEMAS.map((s) => rig().count(`"${s}".outbox_events`)))).every((n) => n === 0),
      {
        timeoutMs: 10_000,
        message: 'every outbox drained',
      },
    );
    const accepted = [...poster.acceptedPosts.values()];
    const inFeed = await waitFor(
      async () => {
        const ids = new Set(await feedIds(api, bob.token));
        return accepted.every((id) => ids.has(id)) ? ids : null;
      },
      { timeoutMs: 10_000, message: 'every accepted post in the follower timeline' },
    );
    expect(inFeed.size).toBeGreaterThan(0);
    const unpushed = () => {
      const seen = new Set(pushedPosts().map((p) => p.id));
      return accepted.filter((id) => !seen.has(id));
    };
    await waitFor(() => unpushed().length === 0, {
      timeoutMs: 10_000,
      message: 'every accepted post pushed live',
    }).catch((err: Error) => {
      throw new Error(`${err.message}: ${unpushed().length} of ${accepted.length} not pushed`);
    });
    expect(crashed(platform)).toEqual([]);

    process.stdout.write(
      `[resilience] postgres outage ${OUTAGE_MS} ms: ${refusals.length} probe writes all 503, max ${maxRefusalMs} ms; ` +
        `traffic ${sender.acceptedMessages.size} messages / ${poster.acceptedPosts.size} posts accepted, 0 lost, ` +
        `${pushed.length} message pushes all stored; ready ${readyAfterMs} ms and writable ${writableAfterMs} ms after return; ` +
        `max traffic latency ${Math.max(sender.maxLatencyMs, poster.maxLatencyMs)} ms\n`,
    );
  }, 120_000);
});
