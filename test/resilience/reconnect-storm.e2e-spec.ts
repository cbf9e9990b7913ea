import { connectRecording, sleep, type TestSocket, waitFor } from '@plaza/testing';
import { crashed, members, rssOf, scale, useRig } from './rig';

const USERS = scale(60, 200);
const SOCKETS_PER_USER = scale(5, 10);
const CLIENTS = USERS * SOCKETS_PER_USER;
/** RSS after the storm, once every client is back, may exceed the level before it by this much. */
const RSS_TOLERANCE = 1.3;

interface Client {
  socket: TestSocket;
  log: { events: { name: string; payload: { eventId?: string; id?: string } }[] };
}

/** Every client drops at once and comes back at once (a network blip, a load balancer restart). */
describe(`resilience: a reconnect storm of ${CLIENTS} clients`, () => {
  let clients: Client[] = [];
  const { rig, onStop } = useRig();
  onStop(() => clients.forEach((c) => c.socket.close()));

  it('brings every client back within 30 s with what it missed; processes stay up and memory settles', async () => {
    const { platform } = rig();
    const [api] = rig().api;
    const [author, ...users] = await members(api, USERS + 1);
    for (let i = 0; i < users.length; i += 20) {
      await Promise.all(
        users.slice(i, i + 20).map((u) => api.put(`/api/follows/${author.id}`, undefined, { token: u.token })),
      );
    }
    const gateways = platform.processes.filter((p) => p.name.startsWith('gateway'));
    const connectAll = async (lastEventIds?: Map<number, string>) => {
      const out: Client[] = [];
      const slots = users.flatMap((u) => Array.from({ length: SOCKETS_PER_USER }, () => u));
      await Promise.all(
        slots.map(async (u, i) => {
          const lastEventId = lastEventIds?.get(i);
          const c = await connectRecording(gateways[i % gateways.length].url, {
            token: u.token,
            ...(lastEventId ? { lastEventId } : {}),
          });
          out[i] = c;
        }),
      );
      return out;
    };
    clients = await connectAll();
    const first = await api.post<{ id: string }>('/api/posts', { text: 'before the storm' }, { token: author.token });
    await waitFor(() => clients.every((c) => c.log.events.some((e) => e.name === 'feed:post')), {
      timeoutMs: 15_000,
      message: 'every client got the first post',
    });
    await sleep(1000);
    const rssBefore = await Promise.all(gateways.map((g) => rssOf(g.child.pid)));

    // Everyone drops; the author posts while they are away; everyone comes back at once.
    const lastEventIds = new Map(
      clients.map((c, i) => [i, c.log.events.filter((e) => e.payload?.eventId).at(-1)!.payload.eventId!]),
    );
    for (const c of clients) c.socket.close();
    clients = [];
    const missed = await api.post<{ id: string }>('/api/posts', { text: 'during the storm' }, { token: author.token });
    expect(missed.status).toBe(201);
    await sleep(500);
    const stormAt = Date.now();
    clients = await connectAll(lastEventIds);
    const connectedMs = Date.now() - stormAt;
    await waitFor(
      () => clients.every((c) => c.log.events.some((e) => e.name === 'feed:post' && e.payload.id === missed.body.id)),
      {
        timeoutMs: Math.max(1000, 30_000 - (Date.now() - stormAt)),
        message: 'every client replayed the missed post',
      },
    );
    const backMs = Date.now() - stormAt;
    expect(backMs).toBeLessThan(30_000);
    // Exactly what was missed: one replayed post, no sync:required, no duplicate of the first.
    for (const c of clients) {
      const posts = c.log.events.filter((e) => e.name === 'feed:post').map((e) => e.payload.id);
      expect(posts).toEqual([missed.body.id]);
      expect(c.log.events.some((e) => e.name === 'sync:required')).toBe(false);
    }
    expect(first.status).toBe(201);

    // Live delivery to all of them afterwards.
    const live = await api.post<{ id: string }>('/api/posts', { text: 'after the storm' }, { token: author.token });
    await waitFor(() => clients.every((c) => c.log.events.some((e) => e.payload?.id === live.body.id)), {
      timeoutMs: 15_000,
      message: 'live post to every client',
    });
    expect(crashed(platform)).toEqual([]);

    // Same number of sockets as before the storm: memory back near where it was.
    await sleep(scale(2000, 5000));
    const rssAfter = await Promise.all(gateways.map((g) => rssOf(g.child.pid)));
    rssAfter.forEach((after, i) => expect(after).toBeLessThan(rssBefore[i] * RSS_TOLERANCE));
    const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
    process.stdout.write(
      `[resilience] reconnect storm: ${CLIENTS} clients (${USERS} users x ${SOCKETS_PER_USER}) connected in ${connectedMs} ms, ` +
        `all replayed the missed post in ${backMs} ms; gateway RSS before ${rssBefore.map(mb).join('/')} after ${rssAfter.map(mb).join('/')}\n`,
    );
  }, 180_000);
});
