import { randomUUID } from 'node:crypto';
import { ConnectionsReadModel, ConversationMembers, RealtimePublisher } from '@plaza/realtime';
import { createRedisClient, type Redis } from '@plaza/redis';
import {
  blockUser,
  connectRecording,
  connectUsers,
  connectSocket,
  emitAck,
  handshakeOutcome,
  loginUser,
  nextEvent,
  recordEvents,
  registerMember,
  registerUser,
  sharedPlatform,
  sleep,
  type TestSocket,
  waitFor,
} from '@plaza/testing';

describe('gateway sockets across two instances', () => {
  const platform = sharedPlatform();
  const [gwA, gwB] = platform.gateways;
  const api = platform.api[0];
  let redis: Redis;
  let publisher: RealtimePublisher;
  const sockets: TestSocket[] = [];
  const open = async (url: string, auth: Record<string, unknown>) => {
    const socket = await connectSocket(url, auth);
    sockets.push(socket);
    return socket;
  };

  beforeAll(() => {
    redis = createRedisClient(process.env.REDIS_URL!, 'test');
    publisher = new RealtimePublisher(redis, process.env.REDIS_URL!);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await redis.quit();
  });

  describe('handshake', () => {
    it('refuses a missing, malformed or forged token with unauthorized', async () => {
      const user = await registerUser(api);
      const [, payload] = user.accessToken.split('.');
      const forged = `${user.accessToken.split('.')[0]}.${payload}.${'A'.repeat(43)}`;
      expect(await handshakeOutcome(gwA, {})).toBe('unauthorized');
      expect(await handshakeOutcome(gwA, { token: 'not-a-jwt' })).toBe('unauthorized');
      expect(await handshakeOutcome(gwA, { token: forged })).toBe('unauthorized');
      expect(await handshakeOutcome(gwA, { token: user.accessToken })).toBe('connected');
    });

    it('never reads a token from the query string', async () => {
      const user = await registerUser(api);
      expect(await handshakeOutcome(gwA, {}, { query: { token: user.accessToken } })).toBe('unauthorized');
    });

    it('refuses a revoked session at once', async () => {
      const user = await registerUser(api);
      expect((await api.post('/api/auth/logout', undefined, { token: user.accessToken })).status).toBe(204);
      expect(await handshakeOutcome(gwB, { token: user.accessToken })).toBe('unauthorized');
    });

    it('checks Origin against ALLOWED_ORIGINS and names a refused origin', async () => {
      const user = await registerUser(api);
      const withOrigin = (origin: string) =>
        handshakeOutcome(gwA, { token: user.accessToken }, { extraHeaders: { origin } });
      expect(await withOrigin('https://evil.example')).toBe('origin_not_allowed');
      expect(await withOrigin('https://app.plaza.test')).toBe('connected');
    });
  });

  it('delivers a durable push from any app to every socket of the user, on both gateways, with an eventId', async () => {
    const user = await registerUser(api);
    const onA = await open(gwA, { token: user.accessToken });
    const onB = await open(gwB, { token: user.accessToken });
    const gotA = nextEvent(onA, 'feed:post-deleted');
    const gotB = nextEvent(onB, 'feed:post-deleted');
    const ids = await publisher.pushDurable([user.user.id], 'feed:post-deleted', { postId: 'p1' });
    const eventId = ids.get(user.user.id);
    expect(eventId).toMatch(/^\d{16}-\d{6}$/);
    expect(await gotA).toEqual({ postId: 'p1', eventId });
    expect(await gotB).toEqual({ postId: 'p1', eventId });
  });

  it('delivers a push sent the moment a socket without lastEventId sees connect', async () => {
    // socket.io sends CONNECT before the gateway's connection handler runs: the rooms must be
    // joined before that, or such a push is lost (a client with no lastEventId never replays it).
    const users = await Promise.all(Array.from({ length: 8 }, () => registerUser(api)));
    const got = await Promise.all(
      users.map(async (user, i) => {
        const socket = await connectSocket(i % 2 ? gwB : gwA, { token: user.accessToken });
        sockets.push(socket);
        const seen = nextEvent<{ postId: string }>(socket, 'feed:post-deleted', 5000);
        await publisher.pushDurable([user.user.id], 'feed:post-deleted', { postId: `at-connect-${i}` });
        return (await seen).postId;
      }),
    );
    expect(got).toEqual(users.map((_, i) => `at-connect-${i}`));
  });

  it('revoking a session sends session:revoked and disconnects its sockets on both gateways, not the other session', async () => {
    const user = await registerUser(api);
    const second = await loginUser(api, user.email);
    const a = await open(gwA, { token: user.accessToken });
    const b = await open(gwB, { token: user.accessToken });
    const other = await open(gwB, { token: second.accessToken });
    const revokedA = nextEvent(a, 'session:revoked');
    const revokedB = nextEvent(b, 'session:revoked');
    const closedA = nextEvent(a, 'disconnect');
    const closedB = nextEvent(b, 'disconnect');
    const res = await api.delete(`/api/auth/sessions/${user.session.id}`, { token: second.accessToken });
    expect(res.status).toBe(204);
    const eventId = expect.stringMatching(/^\d{16}-\d{6}$/);
    expect(await revokedA).toEqual({ sessionId: user.session.id, eventId });
    expect(await revokedB).toEqual({ sessionId: user.session.id, eventId });
    await Promise.all([closedA, closedB]);
    await sleep(200);
    expect(other.connected).toBe(true);
    // It is logged for that session only: the user's other session never replays it.
    const replayed = await connectRecording(gwA, { token: second.accessToken, lastEventId: '0000000000000001-000000' });
    sockets.push(replayed.socket);
    await sleep(200);
    expect(replayed.log.of('session:revoked')).toEqual([]);
  });

  describe('replay', () => {
    const recording = async (url: string, auth: Record<string, unknown>) => {
      const { socket, log } = await connectRecording(url, auth);
      sockets.push(socket);
      return log;
    };

    it('replays what was missed, in order, then live events, across gateways with no gap or duplicate', async () => {
      const user = await registerUser(api);
      const id = user.user.id;
      const first = await open(gwA, { token: user.accessToken });
      const seen = nextEvent(first, 'feed:post-deleted');
      await publisher.pushDurable([id], 'feed:post-deleted', { postId: 'seen' });
      const { eventId: lastEventId } = await seen;
      first.close();

      const push = (postId: string) => publisher.pushDurable([id], 'feed:post-deleted', { postId });
      const expected: string[] = [];
      // Published while the client is away...
      for (let i = 0; i < 300; i++) expected.push(`missed-${i}`);
      for (const postId of expected) await push(postId);
      // ...while it reconnects to the other gateway (racing the replay)...
      const during = [...Array(100).keys()].map((i) => `during-${i}`);
      expected.push(...during);
      const racing = (async () => {
        for (const postId of during) await push(postId);
      })();
      const log = await recording(gwB, { token: user.accessToken, lastEventId });
      await racing;
      // ...and after.
      for (let i = 0; i < 20; i++) {
        expected.push(`after-${i}`);
        await push(`after-${i}`);
      }
      await waitFor(() => log.of('feed:post-deleted').length >= expected.length, { message: 'every event' });
      await sleep(100);
      const received = log.of('feed:post-deleted');
      expect(received.map((e) => e.postId)).toEqual(expected);
      const ids = received.map((e) => e.eventId as string);
      expect([...ids].sort()).toEqual(ids);
    });

    it('replays exactly what follows lastEventId, and nothing when it is the newest', async () => {
      const user = await registerUser(api);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          (await publisher.pushDurable([user.user.id], 'feed:post-deleted', { postId: `p${i}` })).get(user.user.id)!,
        );
      }
      const log = await recording(gwA, { token: user.accessToken, lastEventId: ids[1] });
      await waitFor(() => log.of('feed:post-deleted').length === 3, { message: '3 replayed events' });
      expect(log.of('feed:post-deleted')).toEqual([2, 3, 4].map((i) => ({ postId: `p${i}`, eventId: ids[i] })));
      const none = await recording(gwB, { token: user.accessToken, lastEventId: ids[4] });
      await sleep(200);
      expect(none.events).toEqual([]);
    });

    it('sends sync:required once when lastEventId is older than what is kept, or unknown', async () => {
      const user = await registerUser(api);
      const syncs = async (lastEventId: string) => {
        const log = await recording(gwA, { token: user.accessToken, lastEventId });
        await sleep(200);
        return log.events;
      };
      // No log at all (the user never had events, or it expired).
      expect(await syncs('0001000000000000-000000')).toEqual([
        { name: 'sync:required', payload: { reason: 'log_expired' } },
      ]);
      const push = async (postId: string) =>
        (await publisher.pushDurable([user.user.id], 'feed:post-deleted', { postId })).get(user.user.id)!;
      const seen = await push('seen');
      await push('trimmed');
      await push('kept');
      // Retention drops `trimmed`: a client that only saw `seen` has a gap it cannot fill.
      await redis.xtrim(`rt:log:${user.user.id}`, 'MAXLEN', 1);
      expect(await syncs(seen)).toEqual([{ name: 'sync:required', payload: { reason: 'too_old' } }]);
      expect(await syncs('garbage')).toEqual([{ name: 'sync:required', payload: { reason: 'invalid_last_event_id' } }]);
    });
  });

  describe('typing', () => {
    const setup = async () => {
      const alice = await registerUser(api);
      const bob = await registerUser(api);
      const conversationId = randomUUID();
      await new ConversationMembers(redis).set(conversationId, [alice.user.id, bob.user.id]);
      const a = await open(gwA, { token: alice.accessToken });
      const b = await open(gwB, { token: bob.accessToken });
      return { alice, bob, conversationId, a, b };
    };

    it('relays typing to the other members on the other gateway and stops on typing:stop', async () => {
      const { alice, conversationId, a, b } = await setup();
      const started = nextEvent(b, 'typing');
      expect(await emitAck(a, 'typing:start', { conversationId })).toEqual({ ok: true });
      expect(await started).toEqual({ conversationId, userId: alice.user.id, isTyping: true });
      const stopped = nextEvent(b, 'typing');
      expect(await emitAck(a, 'typing:stop', { conversationId })).toEqual({ ok: true });
      expect(await stopped).toEqual({ conversationId, userId: alice.user.id, isTyping: false });
    });

    it('stops when the typist disconnects', async () => {
      const { alice, conversationId, a, b } = await setup();
      const started = nextEvent(b, 'typing');
      await emitAck(a, 'typing:start', { conversationId });
      await started;
      const stopped = nextEvent(b, 'typing');
      a.close();
      expect(await stopped).toEqual({ conversationId, userId: alice.user.id, isTyping: false });
    });

    it('stops 6 s after the last typing:start', async () => {
      const { alice, conversationId, a, b } = await setup();
      const started = nextEvent(b, 'typing');
      await emitAck(a, 'typing:start', { conversationId });
      await started;
      const startedAt = Date.now();
      const stopped = await nextEvent(b, 'typing', 8000);
      expect(stopped).toEqual({ conversationId, userId: alice.user.id, isTyping: false });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(5500);
    });

    it('refuses non-members with not_found and relays nothing', async () => {
      const { conversationId, b } = await setup();
      const stranger = await registerUser(api);
      const s = await open(gwA, { token: stranger.accessToken });
      const log = recordEvents(b);
      for (const event of ['typing:start', 'typing:stop']) {
        expect(await emitAck(s, event, { conversationId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
      await sleep(200);
      expect(log.of('typing')).toEqual([]);
    });

    it('limits typing:start to 5 per second per user, across gateways', async () => {
      const { alice, conversationId, a } = await setup();
      const a2 = await open(gwB, { token: alice.accessToken });
      // Eight starts split over two gateways inside one clock second: a shared limit lets 5 pass,
      // per-gateway limits would let all 8. A burst that straddles two seconds proves nothing,
      // so it is tried again at the start of the next second.
      let passed: number | undefined;
      for (let attempt = 0; attempt < 5 && passed === undefined; attempt++) {
        await sleep(1000 - (Date.now() % 1000) + 20);
        const second = Math.floor(Date.now() / 1000);
        const acks = await Promise.all(
          [...Array(8).keys()].map((i) => emitAck(i % 2 ? a : a2, 'typing:start', { conversationId })),
        );
        if (Math.floor(Date.now() / 1000) === second) passed = acks.filter((ack) => ack.ok === true).length;
      }
      expect(passed).toBe(5);
      const burst = await Promise.all([...Array(12).keys()].map(() => emitAck(a, 'typing:start', { conversationId })));
      expect(burst.some((ack) => ack.ok === false && ack.error.code === 'rate_limited')).toBe(true);
    });
  });

  describe('bad input', () => {
    it('answers malformed payloads with bad_request and keeps the socket open', async () => {
      const user = await registerUser(api);
      const s = await open(gwA, { token: user.accessToken });
      for (const payload of [
        null,
        'text',
        42,
        [],
        { conversationId: 'nope' },
        { conversationId: randomUUID(), extra: 1 },
        { __proto__: { x: 1 }, conversationId: 5 },
      ]) {
        expect(await emitAck(s, 'typing:start', payload)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
      expect(
        await emitAck(s, 'message:send', { conversationId: randomUUID(), text: '', clientMsgId: 'x' }),
      ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(await emitAck(s, 'message:read', { conversationId: randomUUID(), seq: -1 })).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
      expect(s.connected).toBe(true);
    });

    it('closes only the socket that sends a frame over 64 KiB', async () => {
      const user = await registerUser(api);
      const big = await open(gwA, { token: user.accessToken });
      const bystander = await open(gwA, { token: user.accessToken });
      const closed = nextEvent(big, 'disconnect');
      big.emit('typing:start', { conversationId: 'x'.repeat(70 * 1024) });
      expect(await closed).toBe('transport close');
      await sleep(100);
      expect(bystander.connected).toBe(true);
      expect(await emitAck(bystander, 'typing:stop', { conversationId: randomUUID() })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    });
  });

  describe('presence', () => {
    it('announces online and offline to connections only, across gateways, and answers GET /api/presence', async () => {
      const alice = await registerUser(api);
      const bob = await registerUser(api);
      const stranger = await registerUser(api);
      await new ConnectionsReadModel(redis).connect(alice.user.id, bob.user.id);
      const b = await open(gwB, { token: bob.accessToken });
      const s = await open(gwB, { token: stranger.accessToken });
      const strangerLog = recordEvents(s);
      const online = nextEvent(b, 'presence');
      const a = await open(gwA, { token: alice.accessToken });
      expect(await online).toEqual({ userId: alice.user.id, online: true, lastSeenAt: null });

      const res = await api.get(`/api/presence?userIds=${alice.user.id},${stranger.user.id}`, {
        token: bob.accessToken,
      });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        { userId: alice.user.id, online: true, lastSeenAt: null },
        { userId: stranger.user.id, online: false, lastSeenAt: null },
      ]);

      // A second socket on the other gateway does not announce again; the last one leaving does.
      const a2 = await open(gwB, { token: alice.accessToken });
      a.close();
      await sleep(300);
      const offline = nextEvent(b, 'presence');
      a2.close();
      const event = await offline;
      expect(event).toMatchObject({ userId: alice.user.id, online: false });
      expect(Date.parse(event.lastSeenAt)).toBeGreaterThan(Date.now() - 5000);
      expect(strangerLog.of('presence')).toEqual([]);
      const after = await api.get(`/api/presence?userIds=${alice.user.id}`, { token: bob.accessToken });
      expect(after.body.items[0]).toMatchObject({ online: false, lastSeenAt: event.lastSeenAt });
    });

    it('follows the real social graph: connecting makes presence visible, blocking hides it', async () => {
      const alice = await registerMember(api);
      const bob = await registerMember(api);
      const aliceSocket = await open(gwA, { token: alice.token });
      const asked = async () =>
        (await api.get(`/api/presence?userIds=${alice.id}`, { token: bob.token })).body.items[0].online as boolean;
      expect(await asked()).toBe(false);
      await connectUsers(api, alice, bob);
      await waitFor(asked, { message: 'presence visible to the new connection' });
      await blockUser(api, alice, bob.id);
      await waitFor(async () => !(await asked()), { message: 'presence hidden after the block' });
      expect(aliceSocket.connected).toBe(true);
    });

    it('refuses a malformed presence query with 400', async () => {
      const user = await registerUser(api);
      expect((await api.get('/api/presence?userIds=not-a-uuid', { token: user.accessToken })).status).toBe(400);
      expect((await api.get(`/api/presence?userIds=${randomUUID()}`)).status).toBe(401);
    });
  });
});
