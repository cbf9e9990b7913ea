import { randomUUID } from 'node:crypto';
import { connectSocket, emitAck, openConversation, sleep, waitFor } from '@plaza/testing';
import { crashed, isErrorShape, members, scale, useRig } from './rig';
import { feedIds, loop, TrafficClient } from './traffic';

const DOWN_MS = scale(1500, 10_000);
const MAX_503_MS = 1000;

interface Probe {
  route: string;
  status: number;
  ms: number;
  body: unknown;
}

/** A domain app killed and started again while the rest of the platform keeps serving. */
describe('resilience: a domain app restarted during traffic', () => {
  const { rig, sockets } = useRig({ gateways: 1 });

  /** Calls `run` every 100 ms while `down()` holds, timing each answer. */
  async function probeWhile(
    down: () => boolean,
    runs: Record<string, () => Promise<{ status: number; body: unknown }>>,
  ): Promise<Probe[]> {
    const probes: Probe[] = [];
    while (down()) {
      await Promise.all(
        Object.entries(runs).map(async ([route, run]) => {
          const started = Date.now();
          const res = await run();
          if (down()) probes.push({ route, status: res.status, ms: Date.now() - started, body: res.body });
        }),
      );
      await sleep(100);
    }
    return probes;
  }

  it('feed: the gateway answers 503 for its routes, others keep working, and its consumers catch up', async () => {
    const { platform } = rig();
    const [api] = rig().api;
    const [alice, bob, carol] = await members(api, 3);
    expect((await api.put(`/api/follows/${alice.id}`, undefined, { token: bob.token })).status).toBe(204);
    const conversationId = await openConversation(api, alice, [bob.id]);
    const poster = new TrafficClient(api, alice);
    const sender = new TrafficClient(rig().api[0], { ...alice });
    const traffic = [
      loop(2, (lane, i) => poster.createPost(`p ${lane}/${i}`)),
      loop(2, (lane, i) => sender.sendMessage(conversationId, `m ${lane}/${i}`)),
    ];
    await sleep(scale(1000, 3000));

    const killedAt = Date.now();
    await platform.kill('feed', 'SIGKILL');
    let down = true;
    const probing = probeWhile(() => down, {
      'POST /api/posts': () => api.post('/api/posts', { text: 'probe' }, { token: alice.token }),
      'GET /api/feed': () => api.get('/api/feed', { token: bob.token }),
      'GET /api/notifications': () => api.get('/api/notifications', { token: alice.token }),
    });
    // Published by profiles while feed is down: feed must handle it once it is back.
    await sleep(DOWN_MS / 2);
    const sentMessagesBefore = sender.acceptedMessages.size;
    expect((await api.put(`/api/follows/${alice.id}`, undefined, { token: carol.token })).status).toBe(204);
    await sleep(DOWN_MS / 2);
    const messagesWhileDown = sender.acceptedMessages.size - sentMessagesBefore;
    // Probes cover the time the process is dead; its boot is not probed (it may answer before ready).
    down = false;
    const probes = await probing;
    await platform.restart('feed');
    const backAfterMs = Date.now() - killedAt;
    await sleep(scale(1000, 3000));
    poster.stopped = sender.stopped = true;
    await Promise.all(traffic.map((t) => t.stop()));

    // Meanwhile: the contract's 503 for feed routes, quickly; messaging unaffected.
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((p) => p.status !== 503 || !isErrorShape(p.body, 503))).toEqual([]);
    const max503 = Math.max(...probes.map((p) => p.ms));
    expect(max503).toBeLessThan(MAX_503_MS);
    expect(messagesWhileDown).toBeGreaterThan(0);
    expect([...sender.statuses.keys()]).toEqual([201]);
    expect([...poster.statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);

    // The follow made while feed was down reaches feed: a notification for Alice and her posts in Carol's feed.
    const caughtUp = Date.now();
    await waitFor(
      async () => {
        const res = await api.get<{ items: { type: string; actor: { id: string } }[] }>('/api/notifications', {
          token: alice.token,
        });
        return res.body.items?.some((n) => n.type === 'follow.created' && n.actor.id === carol.id);
      },
      { timeoutMs: 10_000, message: 'follow.created notification handled after restart' },
    );
    const accepted = [...poster.acceptedPosts.values()];
    await waitFor(async () => (await feedIds(api, carol.token)).includes(accepted[0]), {
      timeoutMs: 10_000,
      message: "alice's posts in carol's feed",
    });
    const handledAfterMs = Date.now() - caughtUp;
    const bobFeed = new Set(await feedIds(api, bob.token));
    expect(accepted.filter((id) => !bobFeed.has(id))).toEqual([]);
    expect(crashed(platform)).toEqual([]);

    process.stdout.write(
      `[resilience] feed restart: back ${backAfterMs} ms after SIGKILL; ${probes.length} probes all 503 (max ${max503} ms); ` +
        `${messagesWhileDown} messages accepted meanwhile; ${accepted.length} posts accepted, 0 lost; ` +
        `event published while down handled ${handledAfterMs} ms after it was back\n`,
    );
  }, 120_000);

  it('messaging: 503 over REST and an error ack over sockets meanwhile; a block made meanwhile applies once back', async () => {
    const { platform } = rig();
    const [api] = rig().api;
    const [alice, bob] = await members(api, 2);
    const conversationId = await openConversation(api, alice, [bob.id]);
    const bobSocket = await connectSocket(platform.gateways[0], { token: bob.token });
    sockets.push(bobSocket);

    const killedAt = Date.now();
    await platform.kill('messaging', 'SIGKILL');
    let down = true;
    const probing = probeWhile(() => down, {
      'POST /api/conversations/:id/messages': () =>
        api.post(
          `/api/conversations/${conversationId}/messages`,
          { text: 'probe', clientMsgId: randomUUID() },
          { token: alice.token },
        ),
      'GET /api/conversations': () => api.get('/api/conversations', { token: bob.token }),
    });
    const ack = await emitAck<{ ok: boolean; error?: { code: string } }>(bobSocket, 'message:send', {
      conversationId,
      text: 'while down',
      clientMsgId: randomUUID(),
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'internal' } });
    // Alice blocks Bob while messaging cannot hear it.
    expect((await api.put(`/api/blocks/${bob.id}`, undefined, { token: alice.token })).status).toBe(204);
    await sleep(DOWN_MS);
    down = false;
    const probes = await probing;
    await platform.restart('messaging');
    const backAfterMs = Date.now() - killedAt;

    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((p) => p.status !== 503 || !isErrorShape(p.body, 503))).toEqual([]);
    const max503 = Math.max(...probes.map((p) => p.ms));
    expect(max503).toBeLessThan(MAX_503_MS);

    const caughtUp = Date.now();
    const refused = await waitFor(
      async () => {
        const res = await api.post(
          `/api/conversations/${conversationId}/messages`,
          { text: 'hello?', clientMsgId: randomUUID() },
          { token: bob.token },
        );
        return res.status === 403 ? res : null;
      },
      { timeoutMs: 10_000, message: 'the block applied by messaging after restart' },
    );
    expect(isErrorShape(refused.body, 403)).toBe(true);
    // Nothing from Bob got in after the block; Alice can still use her other conversations.
    const { body } = await api.get<{ items: { senderId: string }[] }>(`/api/conversations/${conversationId}/messages`, {
      token: alice.token,
    });
    expect(body.items.filter((m) => m.senderId === bob.id)).toEqual([]);
    expect(crashed(platform)).toEqual([]);

    process.stdout.write(
      `[resilience] messaging restart: back ${backAfterMs} ms after SIGKILL; ${probes.length} probes all 503 (max ${max503} ms); ` +
        `block published while down applied ${Date.now() - caughtUp} ms after it was back\n`,
    );
  }, 120_000);
});
