import { randomUUID } from 'node:crypto';
import { ConnectionsReadModel, ConversationMembers, RealtimePublisher } from '@plaza/realtime';
import { createRedisClient, type Redis } from '@plaza/redis';
import {
  apiClient,
  connectRecording,
  connectSocket,
  emitAck,
  nextEvent,
  type Platform,
  registerUser,
  sharedPlatform,
  startPlatform,
  type TestSocket,
  waitFor,
} from '@plaza/testing';

/** Extra gateways in front of the shared apps, so that one can be killed without harming other suites. */
describe('gateway failover and edge limits', () => {
  const shared = sharedPlatform();
  const api = shared.api[0];
  let extra: Platform;
  let redis: Redis;
  let publisher: RealtimePublisher;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    extra = await startPlatform({ apps: [], gateways: 2, env: { ...shared.env } });
    redis = createRedisClient(process.env.REDIS_URL!, 'test');
    publisher = new RealtimePublisher(redis, process.env.REDIS_URL!);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await extra.stop();
    await redis.quit();
  });

  it('a SIGKILLed gateway: its users go offline, their typing stops, and they replay everything on another gateway', async () => {
    const alice = await registerUser(api);
    const bob = await registerUser(api);
    await new ConnectionsReadModel(redis).connect(alice.user.id, bob.user.id);
    const conversationId = randomUUID();
    await new ConversationMembers(redis).set(conversationId, [alice.user.id, bob.user.id]);

    const bobSocket = await connectSocket(shared.gateways[0], { token: bob.accessToken });
    sockets.push(bobSocket);
    const online = nextEvent(bobSocket, 'presence');
    const doomed = extra.gateways[0];
    const aliceSocket = await connectSocket(doomed, { token: alice.accessToken });
    sockets.push(aliceSocket);
    expect(await online).toMatchObject({ userId: alice.user.id, online: true });

    const seen = nextEvent(aliceSocket, 'feed:post-deleted');
    await publisher.pushDurable([alice.user.id], 'feed:post-deleted', { postId: 'before' });
    const { eventId: lastEventId } = await seen;
    const typing = nextEvent(bobSocket, 'typing');
    expect(await emitAck(aliceSocket, 'typing:start', { conversationId })).toEqual({ ok: true });
    await typing;

    const bobEvents: { name: string; payload: any; at: number }[] = [];
    bobSocket.onAny((name: string, payload: unknown) => bobEvents.push({ name, payload, at: Date.now() }));
    const killedAt = Date.now();
    await extra.kill('gateway-1', 'SIGKILL');
    const lost = ['during-1', 'during-2', 'during-3'];
    for (const postId of lost) await publisher.pushDurable([alice.user.id], 'feed:post-deleted', { postId });

    // Alice's client reconnects to the surviving gateway with what it saw last.
    const { socket: back, log } = await connectRecording(extra.gateways[1], { token: alice.accessToken, lastEventId });
    sockets.push(back);
    await waitFor(() => log.of('feed:post-deleted').length === 3, { message: 'replay after the gateway died' });
    expect(log.of('feed:post-deleted').map((e) => e.postId)).toEqual(lost);

    const typingStopped = await waitFor(() => bobEvents.find((e) => e.name === 'typing'), {
      timeoutMs: 8000,
      message: 'isTyping false',
    });
    expect(typingStopped.payload).toEqual({ conversationId, userId: alice.user.id, isTyping: false });
    expect(typingStopped.at - killedAt).toBeLessThan(8000);

    // She is back on another gateway, so she never went offline; once she leaves, she does.
    back.close();
    const offline = await waitFor(() => bobEvents.find((e) => e.name === 'presence'), {
      timeoutMs: 30_000,
      message: 'offline',
    });
    expect(offline.payload).toMatchObject({ userId: alice.user.id, online: false });
  }, 60_000);

  it('takes the users of a dead gateway offline within 30 s', async () => {
    const alice = await registerUser(api);
    const bob = await registerUser(api);
    await new ConnectionsReadModel(redis).connect(alice.user.id, bob.user.id);
    const bobSocket = await connectSocket(shared.gateways[1], { token: bob.accessToken });
    sockets.push(bobSocket);
    const victim = await extra.addGateway();
    const aliceSocket = await connectSocket(victim.url, { token: alice.accessToken });
    sockets.push(aliceSocket);
    await nextEvent(bobSocket, 'presence');
    const killedAt = Date.now();
    await extra.kill(victim.name, 'SIGKILL');
    const offline = await nextEvent(bobSocket, 'presence', 30_000);
    expect(offline).toMatchObject({ userId: alice.user.id, online: false });
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    const res = await api.get(`/api/presence?userIds=${alice.user.id}`, { token: bob.accessToken });
    expect(res.body.items[0]).toMatchObject({ online: false });
  }, 45_000);

  it('limits REST requests per user across routes with 429 and Retry-After, and ignores a spoofed X-Forwarded-For', async () => {
    const limited = await extra.addGateway({ API_RATE_LIMIT: '5' });
    const client = apiClient(limited.url);
    const user = await registerUser(api);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await client.get('/api/auth/me', { token: user.accessToken })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const refused = await client.get('/api/feed', { token: user.accessToken });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Anonymous callers are counted per client IP, which X-Forwarded-For cannot change here (TRUST_PROXY=0).
    const anonymous: number[] = [];
    for (let i = 0; i < 7; i++) {
      anonymous.push((await client.get('/api/feed', { headers: { 'x-forwarded-for': `10.0.0.${i}` } })).status);
    }
    expect(anonymous).toContain(429);

    // Behind one declared proxy hop, the client IP it reports is what counts.
    const proxied = apiClient((await extra.addGateway({ API_RATE_LIMIT: '5', TRUST_PROXY: '1' })).url);
    const spread: number[] = [];
    for (let i = 0; i < 7; i++)
      spread.push((await proxied.get('/api/feed', { headers: { 'x-forwarded-for': `10.0.1.${i}` } })).status);
    expect(spread).not.toContain(429);
    const same: number[] = [];
    for (let i = 0; i < 7; i++)
      same.push((await proxied.get('/api/feed', { headers: { 'x-forwarded-for': '10.0.2.1' } })).status);
    expect(same).toContain(429);
  });
});
