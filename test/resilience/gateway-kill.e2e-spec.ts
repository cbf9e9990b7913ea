import { randomUUID } from 'node:crypto';
import { connectRecording, connectSocket, emitAck, nextEvent, openConversation, sleep, waitFor } from '@plaza/testing';
import { crashed, members, scale, useRig } from './rig';
import { loop, TrafficClient } from './traffic';

const BEFORE_MS = scale(1500, 5000);
const GAP_MS = scale(800, 3000);
const AFTER_MS = scale(1500, 5000);

interface Received {
  name: string;
  payload: {
    id?: string;
    eventId?: string;
    seq?: number;
    conversationId?: string;
    userId?: string;
    isTyping?: boolean;
    online?: boolean;
  };
  at: number;
}

/** A gateway SIGKILLed while messages and posts flow to the users connected to it. */
describe('resilience: a gateway killed under traffic', () => {
  const { rig, sockets } = useRig();

  it('its clients replay on the other gateway with no loss and no duplicate; typing and presence clear', async () => {
    const { platform } = rig();
    const api = rig().api[1];
    const [doomed, survivor] = platform.gateways;
    const [alice, bob, carol, dave] = await members(api, 4);
    expect((await api.put(`/api/follows/${alice.id}`, undefined, { token: bob.token })).status).toBe(204);
    for (const other of [bob, dave]) {
      const req = await api.post<{ id: string }>(
        '/api/connections/requests',
        { userId: carol.id },
        { token: other.token },
      );
      expect(
        (await api.post(`/api/connections/requests/${req.body.id}/accept`, undefined, { token: carol.token })).status,
      ).toBe(200);
    }
    const direct = await openConversation(api, alice, [bob.id]);
    const bobCarol = await openConversation(api, bob, [carol.id]);

    // Carol watches from the survivor; Bob and Dave sit on the gateway that dies.
    const carolSocket = await connectSocket(survivor, { token: carol.token });
    sockets.push(carolSocket);
    const carolSaw: Received[] = [];
    carolSocket.onAny((name: string, payload: Received['payload']) => carolSaw.push({ name, payload, at: Date.now() }));
    const bobReceived: Received[] = [];
    const bobFirst = await connectRecording(doomed, { token: bob.token });
    sockets.push(bobFirst.socket);
    bobFirst.socket.onAny((name: string, payload: Received['payload']) =>
      bobReceived.push({ name, payload, at: Date.now() }),
    );
    const daveSocket = await connectSocket(doomed, { token: dave.token });
    sockets.push(daveSocket);
    await waitFor(() => carolSaw.filter((e) => e.name === 'presence' && e.payload.online).length >= 2, {
      message: 'bob and dave online',
    });
    expect(await emitAck(bobFirst.socket, 'typing:start', { conversationId: bobCarol })).toEqual({ ok: true });

    // Alice sends over a socket on the survivor (under the 20/s limit) and posts over REST.
    const aliceSocket = await connectSocket(survivor, { token: alice.token });
    sockets.push(aliceSocket);
    const acked = new Map<string, string>();
    const refused: unknown[] = [];
    const poster = new TrafficClient(api, alice);
    const traffic = [
      loop(1, async (_, i) => {
        const ack = await emitAck<{ ok: boolean; message?: { id: string }; error?: unknown }>(
          aliceSocket,
          'message:send',
          {
            conversationId: direct,
            text: `m ${i}`,
            clientMsgId: randomUUID(),
          },
        );
        if (ack.ok && ack.message) acked.set(ack.message.id, ack.message.id);
        else refused.push(ack.error);
        await sleep(70);
      }),
      loop(1, (_, i) => poster.createPost(`p ${i}`)),
    ];
    await sleep(BEFORE_MS);

    const killedAt = Date.now();
    await platform.kill('gateway-1', 'SIGKILL');
    await sleep(GAP_MS);
    // What the client saw last before its connection died (events may arrive until the kill lands).
    const lastEventId = bobReceived.filter((e) => e.payload?.eventId).at(-1)?.payload.eventId;
    expect(lastEventId).toBeDefined();
    // Bob's client comes back on the other gateway with the last eventId it saw.
    const bobBack = await connectRecording(survivor, { token: bob.token, lastEventId });
    sockets.push(bobBack.socket);
    const reconnectedAfterMs = Date.now() - killedAt;
    await sleep(AFTER_MS);
    poster.stopped = true;
    await Promise.all(traffic.map((t) => t.stop()));

    const everything = () => [
      ...bobReceived.filter((e) => e.at < killedAt + 50),
      ...bobBack.log.events.map((e) => ({ ...e, at: 0 })),
    ];
    const messageIds = () =>
      everything()
        .filter((e) => e.name === 'message:new')
        .map((e) => e.payload.id!);
    await waitFor(() => [...acked.keys()].every((id) => messageIds().includes(id)), {
      timeoutMs: 5000,
      message: 'every acked message received',
    }).catch((err: Error) => {
      throw new Error(
        `${err.message}: ${[...acked.keys()].filter((id) => !messageIds().includes(id)).length} of ${acked.size} missing`,
      );
    });
    const postIds = () =>
      everything()
        .filter((e) => e.name === 'feed:post')
        .map((e) => e.payload.id!);
    await waitFor(() => [...poster.acceptedPosts.values()].every((id) => postIds().includes(id)), {
      timeoutMs: 5000,
      message: 'every accepted post received',
    });

    // No loss, no duplicate, in order: seq and eventIds increase across the two sockets.
    const received = everything();
    const messages = received.filter((e) => e.name === 'message:new');
    expect(new Set(messages.map((m) => m.payload.id)).size).toBe(messages.length);
    expect(messages.map((m) => m.payload.id).sort()).toEqual([...acked.keys()].sort());
    const seqs = messages.map((m) => m.payload.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const posts = received.filter((e) => e.name === 'feed:post');
    expect(new Set(posts.map((p) => p.payload.id)).size).toBe(posts.length);
    expect(posts.length).toBe(poster.acceptedPosts.size);
    const eventIds = received.filter((e) => e.payload?.eventId).map((e) => e.payload.eventId!);
    expect(eventIds).toEqual([...eventIds].sort());
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(refused).toEqual([]);
    expect(bobBack.log.of('sync:required')).toEqual([]);

    // Bob's typing clears for Carol; Dave, who never came back, goes offline within 30 s.
    const typingOff = await waitFor(
      () =>
        carolSaw.find(
          (e) => e.name === 'typing' && e.payload.userId === bob.id && e.payload.isTyping === false && e.at >= killedAt,
        ),
      { timeoutMs: 10_000, message: "bob's typing cleared" },
    );
    const daveOffline = await waitFor(
      () => carolSaw.find((e) => e.name === 'presence' && e.payload.userId === dave.id && e.payload.online === false),
      { timeoutMs: 30_000 - (Date.now() - killedAt), message: 'dave offline within 30 s' },
    );
    expect(daveOffline.at - killedAt).toBeLessThan(30_000);
    // Bob is back elsewhere, so he never went offline.
    expect(
      carolSaw.filter((e) => e.name === 'presence' && e.payload.userId === bob.id && e.payload.online === false),
    ).toEqual([]);
    const presence = await api.get<{ items: { userId: string; online: boolean }[] }>(
      `/api/presence?userIds=${bob.id},${dave.id}`,
      {
        token: carol.token,
      },
    );
    expect(presence.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: bob.id, online: true }),
        expect.objectContaining({ userId: dave.id, online: false }),
      ]),
    );
    // Live traffic keeps flowing to the reconnected client.
    const live = nextEvent<{ text: string }>(bobBack.socket, 'message:new');
    expect(
      (
        await emitAck(aliceSocket, 'message:send', {
          conversationId: direct,
          text: 'still here',
          clientMsgId: randomUUID(),
        })
      ).ok,
    ).toBe(true);
    expect((await live).text).toBe('still here');
    expect(crashed(platform)).toEqual(['gateway-1']);

    const replayed = bobBack.log.events.filter((e) => e.payload?.eventId).length;
    process.stdout.write(
      `[resilience] gateway kill: ${acked.size} messages and ${poster.acceptedPosts.size} posts, 0 lost, 0 duplicated; ` +
        `client back ${reconnectedAfterMs} ms after the kill, ${replayed} events on the new socket; ` +
        `typing cleared ${typingOff.at - killedAt} ms, dead user offline ${daveOffline.at - killedAt} ms after the kill\n`,
    );
  }, 120_000);
});
