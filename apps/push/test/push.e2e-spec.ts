import { randomUUID } from 'node:crypto';
import {
  apiClient,
  type ApiClient,
  blockUser,
  connectSocket,
  connectUsers,
  fetchInternal,
  loginUser,
  type Member,
  nextEvent,
  openConversation,
  type Platform,
  registerMember,
  sleep,
  startPlatform,
  type TestSocket,
  waitFor,
} from '@plaza/testing';
import { FcmFake } from './fakes/fcm-fake';
import { type BrowserKeys, WebPushFake } from './fakes/web-push-fake';

jest.setTimeout(90_000);

/**
 * Offline reach against fake push services that are real local HTTP servers: the Web Push fake
 * checks the VAPID JWT and decrypts every payload with the browser keys the test generated; the
 * FCM fake accepts only bearers its token endpoint issued for a valid service-account assertion.
 */
describe('push to offline users', () => {
  let platform: Platform;
  let api: ApiClient;
  let webPush: WebPushFake;
  let fcm: FcmFake;
  let alice: Member;
  const sockets: TestSocket[] = [];
  const COLLAPSE_MS = 2000;

  beforeAll(async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const vapidPublic = publicKey.export({ format: 'der', type: 'spki' }).subarray(-65).toString('base64url');
    webPush = new WebPushFake(vapidPublic);
    fcm = new FcmFake();
    await Promise.all([webPush.start(), fcm.start()]);
    platform = await startPlatform({
      env: {
        VAPID_PUBLIC_KEY: vapidPublic,
        VAPID_PRIVATE_KEY: privateKey.export({ format: 'jwk' }).d!,
        VAPID_SUBJECT: 'mailto:ops@plaza.test',
        PUSH_ENDPOINT_ORIGINS: webPush.url,
        FCM_PROJECT_ID: 'plaza-test',
        FCM_CREDENTIALS: fcm.credentialsFile,
        FCM_ENDPOINT: fcm.url,
        PUSH_COLLAPSE_MS: String(COLLAPSE_MS),
        PUSH_RETRY_BASE_MS: '200',
        PUSH_TIMEOUT_MS: '3000',
        PUSH_CONCURRENCY: '4',
        EVENTS_RETRY_BASE_MS: '200',
      },
    });
    api = apiClient(platform.gateways[0]);
    alice = await registerMember(api);
    // Starting six apps and two gateways takes minutes on a loaded machine.
  }, 600_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await platform?.stop();
    await Promise.all([webPush?.stop(), fcm?.stop()]);
  }, 60_000);

  /** A new member connected with Alice, with a Web Push subscription made with their token. */
  async function subscribedMember(behaviour: Parameters<WebPushFake['subscription']>[0] = 'ok') {
    const member = await registerMember(api);
    await connectUsers(api, alice, member);
    const keys = webPush.subscription(behaviour);
    const res = await api.post(
      '/api/push/subscriptions',
      { endpoint: keys.endpoint, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      { token: member.token },
    );
    expect(res.status).toBe(201);
    return { member, keys, subscriptionId: res.body.id as string };
  }

  async function send(from: Member, conversationId: string, text: string) {
    const res = await api.post(
      `/api/conversations/${conversationId}/messages`,
      { text, clientMsgId: randomUUID() },
      { token: from.token },
    );
    expect(res.status).toBe(201);
    return res.body as { id: string; seq: number };
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetchInternal(`${platform.apps.push.url}/metrics`, platform.env)).text();
    const line = text
      .split('\n')
      .find((l) => (labels ? l.startsWith(`${name}{`) && l.includes(labels) : l.startsWith(`${name} `)));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  const pushesAfter = async (keys: BrowserKeys, ms: number) => {
    await sleep(ms);
    return webPush.pushesTo(keys);
  };

  describe('subscriptions API', () => {
    it('serves the VAPID key and refuses endpoints outside PUSH_ENDPOINT_ORIGINS', async () => {
      const key = await api.get('/api/push/vapid-public-key');
      expect(key.status).toBe(200);
      expect(key.body.publicKey).toBe(platform.env.VAPID_PUBLIC_KEY);

      const keys = webPush.subscription();
      const body = { endpoint: keys.endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
      for (const endpoint of [
        'https://evil.example.com/push/1',
        'http://169.254.169.254/latest/meta-data',
        `${webPush.url.replace('127.0.0.1', 'localhost')}/push/x`,
        `http://user:pw@${webPush.url.slice('http://'.length)}/push/x`,
      ]) {
        const refused = await api.post('/api/push/subscriptions', { ...body, endpoint }, { token: alice.token });
        expect(refused.status).toBe(400);
        expect(refused.body.code).toBe('endpoint_not_allowed');
      }
      const neither = await api.post('/api/push/subscriptions', { platform: 'android' }, { token: alice.token });
      expect(neither.status).toBe(400);
      const unauthenticated = await api.post('/api/push/subscriptions', body);
      expect(unauthenticated.status).toBe(401);
      expect((await api.get('/api/push/subscriptions', { token: alice.token })).body.items).toEqual([]);
    });

    it('registers once per endpoint, lists and deletes', async () => {
      const member = await registerMember(api);
      const keys = webPush.subscription();
      const body = { endpoint: keys.endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
      const first = await api.post('/api/push/subscriptions', body, { token: member.token });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ kind: 'webpush', origin: webPush.url });
      const again = await api.post('/api/push/subscriptions', body, { token: member.token });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const device = await api.post(
        '/api/push/subscriptions',
        { fcmToken: 'device-token-1', platform: 'ios' },
        { token: member.token },
      );
      expect(device.status).toBe(201);
      expect(device.body.kind).toBe('fcm');
      const list = await api.get('/api/push/subscriptions', { token: member.token });
      expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([first.body.id, device.body.id]);
      expect((await api.delete(`/api/push/subscriptions/${first.body.id}`, { token: alice.token })).status).toBe(404);
      expect((await api.delete(`/api/push/subscriptions/${first.body.id}`, { token: member.token })).status).toBe(204);
      expect((await api.delete(`/api/push/subscriptions/${first.body.id}`, { token: member.token })).status).toBe(404);
    });
  });

  it('pushes each message to an offline user exactly once, encrypted, with TTL, Urgency and Topic', async () => {
    const { member: bob, keys } = await subscribedMember();
    const conversationId = await openConversation(api, alice, [bob.id]);
    const message = await send(alice, conversationId, 'Lunch at noon? 🍜');
    const [push] = await waitFor(() => (webPush.pushesTo(keys).length ? webPush.pushesTo(keys) : null), {
      timeoutMs: 15_000,
      message: 'the push',
    });
    expect(push.payload).toEqual({
      type: 'message',
      eventId: message.id,
      title: alice.displayName,
      body: 'Lunch at noon? 🍜',
      url: `/conversations/${conversationId}`,
    });
    expect(push.headers.ttl).toBe('86400');
    expect(push.headers.urgency).toBe('high');
    expect(push.headers.topic).toBe(conversationId.replace(/-/g, ''));
    expect(await pushesAfter(keys, COLLAPSE_MS + 1500)).toHaveLength(1);
    expect(webPush.errors).toEqual([]);
  });

  it('collapses a burst of messages in one conversation into one push carrying the latest', async () => {
    const { member: bob, keys } = await subscribedMember();
    const conversationId = await openConversation(api, alice, [bob.id]);
    // Sent together (one after the other, a loaded machine spreads them over seconds).
    await send(alice, conversationId, 'burst 1');
    await Promise.all([2, 3, 4].map((i) => send(alice, conversationId, `burst ${i}`)));
    await send(alice, conversationId, 'burst 5');
    await waitFor(() => webPush.pushesTo(keys).length > 0, { timeoutMs: 15_000, message: 'the push' });
    const pushes = await pushesAfter(keys, COLLAPSE_MS + 1500);
    expect(pushes).toHaveLength(1);
    expect(pushes[0].payload.body).toBe('burst 5');
  });

  it('hides the text when the user turned previews off', async () => {
    const { member: bob, keys } = await subscribedMember();
    expect((await api.patch('/api/push/settings', { previews: false }, { token: bob.token })).status).toBe(200);
    expect((await api.patch('/api/push/settings', { previews: 'no' }, { token: bob.token })).status).toBe(400);
    const conversationId = await openConversation(api, alice, [bob.id]);
    await send(alice, conversationId, 'the secret plan');
    const [push] = await waitFor(() => (webPush.pushesTo(keys).length ? webPush.pushesTo(keys) : null), {
      timeoutMs: 15_000,
      message: 'the push',
    });
    expect(JSON.stringify(push.payload)).not.toContain('secret');
    expect(push.payload).toMatchObject({ type: 'message', title: 'New message', body: 'New message' });
  });

  it('never pushes because of a blocked sender', async () => {
    const { member: bob, keys: bobKeys } = await subscribedMember();
    const { member: carol, keys: carolKeys } = await subscribedMember();
    const group = await openConversation(api, alice, [bob.id, carol.id], 'trio');
    // Answered: the block is in the safety graph the push app reads at delivery.
    await blockUser(api, bob, alice.id);
    const blockedBefore = await metric('plaza_push_skipped_total', 'reason="blocked"');
    const sent = await api.post(
      `/api/conversations/${group}/messages`,
      { text: 'hello both', clientMsgId: randomUUID() },
      { token: alice.token },
    );
    if (sent.status !== 201) return expect(sent.status).toBe(403); // a block may also end the membership
    await waitFor(() => webPush.pushesTo(carolKeys).length > 0, { timeoutMs: 15_000, message: "carol's push" });
    await waitFor(async () => (await metric('plaza_push_skipped_total', 'reason="blocked"')) > blockedBefore, {
      timeoutMs: 5000,
      message: 'the blocked skip',
    });
    expect(webPush.pushesTo(bobKeys)).toHaveLength(0);
  });

  it('sends nothing to a user with an open socket', async () => {
    const { member: bob, keys } = await subscribedMember();
    const socket = await connectSocket(platform.gateways[1], { token: bob.token });
    sockets.push(socket);
    const conversationId = await openConversation(api, alice, [bob.id]);
    const onlineBefore = await metric('plaza_push_skipped_total', 'reason="online"');
    const live = nextEvent(socket, 'message:new', 10_000);
    await send(alice, conversationId, 'you are here');
    expect((await live).text).toBe('you are here');
    // Held back while online, rechecked once the gateway heartbeat TTL has passed: still online, skipped.
    await waitFor(async () => (await metric('plaza_push_skipped_total', 'reason="online"')) > onlineBefore, {
      timeoutMs: 30_000,
      message: 'the online skip',
    });
    expect(webPush.pushesTo(keys)).toHaveLength(0);
    socket.close();
  });

  it('deletes a subscription the push service says is gone (410)', async () => {
    const { member: bob, subscriptionId } = await subscribedMember('gone');
    const conversationId = await openConversation(api, alice, [bob.id]);
    await send(alice, conversationId, 'anyone there?');
    await waitFor(async () => !(await api.get('/api/push/subscriptions', { token: bob.token })).body.items.length, {
      timeoutMs: 15_000,
      message: 'the subscription deleted',
    });
    expect(await metric('plaza_push_deliveries_total', 'outcome="gone"')).toBeGreaterThan(0);
    void subscriptionId;
  });

  it('retries a 429 no sooner than Retry-After', async () => {
    const { member: bob, keys } = await subscribedMember('retry-after-once');
    const conversationId = await openConversation(api, alice, [bob.id]);
    await send(alice, conversationId, 'try again later');
    await waitFor(() => webPush.pushesTo(keys).length > 0, { timeoutMs: 20_000, message: 'the retried push' });
    const attempts = webPush.attemptsTo(keys);
    expect(attempts.map((a) => a.status)).toEqual([429, 201]);
    // Retry-After: 2 s, while the backoff alone would be 200 ms.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(1900);
    expect(webPush.pushesTo(keys)[0].payload.body).toBe('try again later');
  });

  it('pushes to FCM with an access token from the service account token_uri, cached', async () => {
    const dave = await registerMember(api);
    await connectUsers(api, alice, dave);
    const token = `fcm-${randomUUID()}`;
    const res = await api.post(
      '/api/push/subscriptions',
      { fcmToken: token, platform: 'android' },
      { token: dave.token },
    );
    expect(res.status).toBe(201);
    const conversationId = await openConversation(api, alice, [dave.id]);
    const first = await send(alice, conversationId, 'to your phone');
    // Dave may also be pushed the connection request's notification, if its event comes late.
    const messagePushes = () =>
      fcm.messages.filter((m) => m.message.token === token && m.message.data?.type === 'message');
    await waitFor(() => messagePushes().length > 0, {
      timeoutMs: 15_000,
      message: 'FCM push',
    });
    await sleep(COLLAPSE_MS + 500);
    await send(alice, conversationId, 'again');
    await waitFor(() => messagePushes().length === 2, {
      timeoutMs: 15_000,
      message: 'second FCM push',
    });
    const mine = messagePushes();
    expect(mine[0].project).toBe('plaza-test');
    expect(mine[0].message.data).toMatchObject({ type: 'message', eventId: first.id, body: 'to your phone' });
    expect(mine[0].message.android.collapse_key).toBe(conversationId.replace(/-/g, ''));
    expect(fcm.tokenRequests).toHaveLength(1);
    expect(fcm.errors).toEqual([]);
  });

  it('pushes a notification to an offline user', async () => {
    const { member: ivan, keys } = await subscribedMember();
    const follower = await registerMember(api);
    expect((await api.put(`/api/follows/${ivan.id}`, undefined, { token: follower.token })).status).toBeLessThan(300);
    const [push] = await waitFor(() => (webPush.pushesTo(keys).length ? webPush.pushesTo(keys) : null), {
      timeoutMs: 15_000,
      message: 'the notification push',
    });
    expect(push.payload).toMatchObject({ type: 'notification', url: '/notifications' });
    expect(push.payload.body).toContain('started following you');
    expect(push.headers.topic).toBe('notifications');
  });

  it('ends the subscriptions of a session that signed out', async () => {
    const { member: jill, keys } = await subscribedMember();
    const other = await loginUser(api, jill.email);
    expect((await api.post('/api/auth/logout', undefined, { token: jill.token })).status).toBeLessThan(300);
    expect((await api.get('/api/push/subscriptions', { token: other.accessToken })).body.items).toEqual([]);
    const conversationId = await openConversation(api, alice, [jill.id]);
    await send(alice, conversationId, 'after logout');
    expect(await pushesAfter(keys, COLLAPSE_MS + 2000)).toHaveLength(0);
  });

  it('a hanging push service does not slow messages to online users', async () => {
    const gina = await registerMember(api);
    await connectUsers(api, alice, gina);
    const ginaSocket = await connectSocket(platform.gateways[0], { token: gina.token });
    sockets.push(ginaSocket);
    const ginaConversation = await openConversation(api, alice, [gina.id]);
    const latency = async () => {
      const samples: number[] = [];
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        const arrived = nextEvent(ginaSocket, 'message:new', 10_000);
        await send(alice, ginaConversation, `ping ${i}`);
        await arrived;
        samples.push(performance.now() - started);
      }
      return samples.sort((a, b) => a - b)[5];
    };
    const before = await latency();
    // More hanging pushes than PUSH_CONCURRENCY (4): every slot waits for its timeout.
    for (let i = 0; i < 6; i++) {
      const { member } = await subscribedMember('hang');
      await send(alice, await openConversation(api, alice, [member.id]), 'into the void');
    }
    await waitFor(async () => (await metric('plaza_push_requests_in_flight', '')) >= 4, {
      timeoutMs: 15_000,
      message: 'push requests hanging',
    });
    const during = await latency();
    expect(during).toBeLessThan(before * 3 + 50);
  });

  it('counts a user offline once their only gateway is killed, and pushes within the presence grace period', async () => {
    const { member: kate, keys } = await subscribedMember();
    const socket = await connectSocket(platform.gateways[1], { token: kate.token });
    sockets.push(socket);
    const conversationId = await openConversation(api, alice, [kate.id]);
    await platform.kill('gateway-2', 'SIGKILL');
    const sentAt = Date.now();
    await send(alice, conversationId, 'are you still there?');
    const [push] = await waitFor(() => (webPush.pushesTo(keys).length ? webPush.pushesTo(keys) : null), {
      timeoutMs: 30_000,
      message: 'the push after the gateway died',
    });
    expect(push.payload.body).toBe('are you still there?');
    // Gateway heartbeat TTL (15 s) + the recheck slack: within the ~20 s presence grace period.
    expect(push.at - sentAt).toBeLessThan(20_000);
  });
});
