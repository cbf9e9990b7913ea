import {
  blockUser,
  connectRecording,
  connectSocket,
  emitAck,
  type Member,
  nextEvent,
  openConversation,
  recordEvents,
  registerMember,
  sharedPlatform,
  sleep,
  type TestSocket,
  waitFor,
} from '@plaza/testing';
import type { MessagePayload, WithEventId } from '@plaza/realtime';

type Msg = WithEventId<MessagePayload>;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('messaging: socket path through both gateways', () => {
  const platform = sharedPlatform();
  const [gw1, gw2] = platform.gateways;
  const [api1, api2] = platform.api;
  const sockets: TestSocket[] = [];

  const open = async (url: string, member: Member) => {
    const { socket, log } = await connectRecording(url, { token: member.token });
    sockets.push(socket);
    return { socket, log };
  };
  const messagesIn = (log: { of: (name: string) => unknown[] }, conversationId: string) =>
    (log.of('message:new') as Msg[]).filter((m) => m.conversationId === conversationId);

  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  it('50 concurrent sends from two members on different gateways: seqs exactly 1..50, every socket gets all 50 in seq order', async () => {
    const [ada, bob] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const adaOnGw1 = await open(gw1, ada);
    const adaOnGw2 = await open(gw2, ada); // the sender's other socket
    const bobOnGw2 = await open(gw2, bob);

    // Each member fires 25 at once: 15 over the socket (under its 20/s limit) and 10 over REST.
    const sends: Array<Promise<Msg>> = [];
    for (const [member, socket, api] of [
      [ada, adaOnGw1.socket, api1],
      [bob, bobOnGw2.socket, api2],
    ] as const) {
      for (let i = 0; i < 25; i++) {
        const payload = { conversationId: id, text: `${member.handle} #${i}`, clientMsgId: `${member.id}-${i}` };
        sends.push(
          i < 15
            ? emitAck<{ ok: boolean; message: Msg }>(socket, 'message:send', payload).then((ack) => {
                expect(ack.ok).toBe(true);
                return ack.message;
              })
            : api
                .post<Msg>(
                  `/api/conversations/${id}/messages`,
                  { text: payload.text, clientMsgId: payload.clientMsgId },
                  { token: member.token },
                )
                .then((res) => {
                  expect(res.status).toBe(201);
                  return res.body;
                }),
        );
      }
    }
    const stored = await Promise.all(sends);
    expect(stored.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(50));

    for (const { log } of [adaOnGw1, adaOnGw2, bobOnGw2]) {
      await waitFor(() => messagesIn(log, id).length >= 50, { message: '50 message:new' });
      const received = messagesIn(log, id);
      expect(received.map((m) => m.seq)).toEqual(range(50));
      // What was pushed is what was stored.
      const byId = new Map(stored.map((m) => [m.id, m]));
      for (const m of received) expect(m).toEqual({ ...byId.get(m.id), eventId: expect.any(String) });
      const eventIds = received.map((m) => m.eventId);
      expect([...eventIds].sort()).toEqual(eventIds);
      expect(new Set(eventIds).size).toBe(50);
    }
  });

  it('acks retries of one clientMsgId with the same stored message and pushes it once', async () => {
    const [ada, bob] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const ada1 = await open(gw1, ada);
    const bob2 = await open(gw2, bob);
    const payload = { conversationId: id, text: 'flaky network', clientMsgId: 'retry-me' };
    const acks = await Promise.all([
      emitAck(ada1.socket, 'message:send', payload),
      emitAck(ada1.socket, 'message:send', payload),
      emitAck(ada1.socket, 'message:send', payload),
      api2
        .post(
          `/api/conversations/${id}/messages`,
          { text: payload.text, clientMsgId: payload.clientMsgId },
          { token: ada.token },
        )
        .then((r) => ({ ok: true, message: r.body })),
    ]);
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(new Set(acks.map((a) => a.message.id)).size).toBe(1);
    expect(acks[0].message.seq).toBe(1);
    await waitFor(() => messagesIn(bob2.log, id).length >= 1);
    await sleep(300);
    expect(messagesIn(bob2.log, id)).toHaveLength(1);
    expect(messagesIn(ada1.log, id)).toHaveLength(1);
    const history = await api1.get(`/api/conversations/${id}/messages`, { token: bob.token });
    expect(history.body.items).toHaveLength(1);
  });

  it('answers not_found to a non-member on every event; members receive nothing from them', async () => {
    const [ada, bob, mallory] = await Promise.all([registerMember(api1), registerMember(api2), registerMember(api1)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const ada1 = await open(gw1, ada);
    const bob2 = await open(gw2, bob);
    const mal = await open(gw2, mallory);

    const acks = [
      await emitAck(mal.socket, 'message:send', { conversationId: id, text: 'hi there', clientMsgId: 'm-1' }),
      await emitAck(mal.socket, 'message:read', { conversationId: id, seq: 1 }),
      await emitAck(mal.socket, 'typing:start', { conversationId: id }),
    ];
    for (const ack of acks)
      expect(ack).toEqual({ ok: false, error: { code: 'not_found', message: expect.any(String) } });
    // typing:stop is the gateway's alone (no typing state to end for a non-member): whatever it
    // acks, nothing reaches the members (checked below).
    await emitAck(mal.socket, 'typing:stop', { conversationId: id });
    // A real message afterwards is seq 1: mallory's attempt consumed nothing.
    const real = await emitAck(ada1.socket, 'message:send', { conversationId: id, text: 'real', clientMsgId: 'a-1' });
    expect(real.message.seq).toBe(1);
    await waitFor(() => messagesIn(bob2.log, id).length === 1);
    await sleep(200);
    for (const log of [ada1.log, bob2.log]) {
      expect(log.events.filter((e) => e.name !== 'message:new' && e.name !== 'presence')).toEqual([]);
      expect(messagesIn(log, id).map((m) => m.senderId)).toEqual([ada.id]);
    }
    expect(mal.log.events.filter((e) => e.name === 'message:new' || e.name === 'typing')).toEqual([]);
  });

  it('answers bad_request to invalid payloads and keeps the socket open', async () => {
    const ada = await registerMember(api1);
    const bob = await registerMember(api1);
    const id = await openConversation(api1, ada, [bob.id]);
    const { socket } = await open(gw1, ada);
    for (const payload of [
      { conversationId: id, text: '', clientMsgId: 'x' },
      { conversationId: id, text: 'x'.repeat(4001), clientMsgId: 'x' },
      { conversationId: id, text: 'ok' },
      { conversationId: 'nope', text: 'ok', clientMsgId: 'x' },
    ]) {
      const ack = await emitAck(socket, 'message:send', payload);
      expect(ack).toEqual({ ok: false, error: { code: 'bad_request', message: expect.any(String) } });
    }
    expect(socket.connected).toBe(true);
    expect(
      (await emitAck(socket, 'message:send', { conversationId: id, text: 'still here', clientMsgId: 'y' })).ok,
    ).toBe(true);
  });

  it('refuses a blocked sender with forbidden', async () => {
    const [ada, bob] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const ada1 = await open(gw1, ada);
    const bob2 = await open(gw2, bob);
    await blockUser(api2, bob, ada.id);
    await waitFor(
      async () => (await api1.post('/api/conversations', { memberIds: [bob.id] }, { token: ada.token })).status === 403,
      {
        message: 'block to reach messaging',
      },
    );
    const ack = await emitAck(ada1.socket, 'message:send', {
      conversationId: id,
      text: 'let me explain',
      clientMsgId: 'b-1',
    });
    expect(ack).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    await sleep(200);
    expect(messagesIn(bob2.log, id)).toEqual([]);
  });

  it('sends read receipts to the other members only, never backwards', async () => {
    const [ada, bob, cyd] = await Promise.all([registerMember(api1), registerMember(api2), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    for (let i = 1; i <= 5; i++)
      await api1.post(
        `/api/conversations/${id}/messages`,
        { text: `m${i}`, clientMsgId: `r-${i}` },
        { token: ada.token },
      );
    const ada1 = await open(gw1, ada);
    const bob2 = await open(gw2, bob);
    const bobOther = await open(gw1, bob);
    const cyd2 = await open(gw2, cyd);

    expect(await emitAck(bob2.socket, 'message:read', { conversationId: id, seq: 3 })).toEqual({ ok: true });
    const receipt = await waitFor(() => ada1.log.of('message:read')[0]);
    expect(receipt).toEqual({ conversationId: id, userId: bob.id, seq: 3, eventId: expect.any(String) });
    expect(await emitAck(bob2.socket, 'message:read', { conversationId: id, seq: 2 })).toEqual({ ok: true });
    expect(await emitAck(bobOther.socket, 'message:read', { conversationId: id, seq: 99 })).toEqual({ ok: true });
    await waitFor(() => ada1.log.of('message:read').length >= 2);
    await sleep(200);
    expect(ada1.log.of('message:read').map((r: { seq: number }) => r.seq)).toEqual([3, 5]);

    // A burst of concurrent reads from both of bob's sockets and REST: receipts only move forward.
    for (let i = 6; i <= 12; i++)
      await api1.post(
        `/api/conversations/${id}/messages`,
        { text: `m${i}`, clientMsgId: `r-${i}` },
        { token: ada.token },
      );
    await Promise.all(
      [9, 6, 12, 7, 11, 8, 10].map((seq, i) =>
        i % 3 === 2
          ? api2.post(`/api/conversations/${id}/read`, { seq }, { token: bob.token })
          : emitAck(i % 3 ? bobOther.socket : bob2.socket, 'message:read', { conversationId: id, seq }),
      ),
    );
    await waitFor(() => ada1.log.of('message:read').some((r: { seq: number }) => r.seq === 12), {
      message: 'receipt for 12',
    });
    await sleep(200);
    const seqs = ada1.log.of('message:read').map((r: { seq: number }) => r.seq);
    expect(seqs.slice(0, 2)).toEqual([3, 5]);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    expect(seqs[seqs.length - 1]).toBe(12);
    // The reader's own sockets and outsiders get no receipt.
    expect(bob2.log.of('message:read')).toEqual([]);
    expect(cyd2.log.of('message:read')).toEqual([]);
  });

  it('ends the sender typing when the message is stored', async () => {
    const [ada, bob] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const ada1 = await open(gw1, ada);
    const bob2 = await open(gw2, bob);
    const typing = nextEvent(bob2.socket, 'typing');
    expect(await emitAck(ada1.socket, 'typing:start', { conversationId: id })).toEqual({ ok: true });
    expect(await typing).toEqual({ conversationId: id, userId: ada.id, isTyping: true });
    const stopped = nextEvent(bob2.socket, 'typing');
    expect(
      (await emitAck(ada1.socket, 'message:send', { conversationId: id, text: 'done typing', clientMsgId: 't-1' })).ok,
    ).toBe(true);
    expect(await stopped).toEqual({ conversationId: id, userId: ada.id, isTyping: false });
  });

  it('replays everything a member missed while offline, in order, without duplicates, on reconnect to the other gateway', async () => {
    const [ada, bob] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const ada1 = await open(gw1, ada);
    const bobSocket = await connectSocket(gw2, { token: bob.token });
    const bobLog = recordEvents(bobSocket);
    for (let i = 1; i <= 3; i++)
      expect(
        (await emitAck(ada1.socket, 'message:send', { conversationId: id, text: `on ${i}`, clientMsgId: `on-${i}` }))
          .ok,
      ).toBe(true);
    await waitFor(() => messagesIn(bobLog, id).length === 3);
    const lastEventId = messagesIn(bobLog, id)[2].eventId;
    bobSocket.close();

    for (let i = 4; i <= 10; i++)
      expect(
        (await emitAck(ada1.socket, 'message:send', { conversationId: id, text: `off ${i}`, clientMsgId: `off-${i}` }))
          .ok,
      ).toBe(true);
    const again = await connectRecording(gw1, { token: bob.token, lastEventId });
    sockets.push(again.socket);
    await waitFor(() => messagesIn(again.log, id).length >= 7, { message: 'replayed messages' });
    // And live ones after the replay.
    expect(
      (await emitAck(ada1.socket, 'message:send', { conversationId: id, text: 'live', clientMsgId: 'live-1' })).ok,
    ).toBe(true);
    await waitFor(() => messagesIn(again.log, id).length >= 8, { message: 'live message after replay' });
    await sleep(200);
    expect(messagesIn(again.log, id).map((m) => m.seq)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
