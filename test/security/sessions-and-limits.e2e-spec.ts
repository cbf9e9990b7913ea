import {
  apiClient,
  type ApiClient,
  connectSocket,
  handshakeOutcome,
  type Platform,
  registerUser,
  sleep,
  startPlatform,
  type TestSocket,
  type TestUser,
  uniqueSuffix,
  waitFor,
} from '@plaza/testing';

/** Records `session:revoked` and the disconnect reason of a socket, in order. */
function watch(socket: TestSocket): string[] {
  const events: string[] = [];
  socket.on('session:revoked', (p: { sessionId: string }) => events.push(`revoked:${p.sessionId}`));
  socket.on('disconnect', (reason) => events.push(`disconnect:${reason}`));
  return events;
}

/**
 * Issue #15 findings 2, 4 and 6 (sessions, sockets, login limits) on a platform of their own:
 * 8 s sessions that idle out after 4 s, 3 sockets per user, 5 bad handshakes per IP, and login
 * limits of 4 failures per account and 6 attempts per IP. TRUST_PROXY=1 lets each test speak
 * from client IPs of its own (X-Forwarded-For), as a real proxy in front of the gateways would.
 */
describe('sessions, sockets and login limits', () => {
  let platform: Platform;
  let api: ApiClient;
  let api2: ApiClient;
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

  beforeAll(async () => {
    platform = await startPlatform({
      apps: ['auth'],
      gateways: 2,
      env: {
        SESSION_TTL_SECONDS: '8',
        SESSION_IDLE_TTL_SECONDS: '4',
        SOCKETS_PER_USER: '3',
        HANDSHAKE_FAILURE_LIMIT: '5',
        LOGIN_ACCOUNT_RATE_LIMIT: '4',
        LOGIN_IP_RATE_LIMIT: '6',
        TRUST_PROXY: '1',
      },
    });
    [api, api2] = platform.gateways.map((g) => apiClient(g));
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
  });

  describe('sockets end with their session', () => {
    it('a socket is disconnected (session:revoked) the moment its session idles out', async () => {
      const user = await registerUser(api);
      const socket = await connectSocket(platform.gateways[0], { token: user.accessToken });
      const events = watch(socket);
      await waitFor(() => events.length === 2, { timeoutMs: 9000, message: 'the idle session ending its socket' });
      expect(events).toEqual([`revoked:${user.session.id}`, 'disconnect:io server disconnect']);
      expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(401);
      expect((await api.post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
    });

    it('a session in use outlives the idle timeout, and its socket goes at the absolute expiry', async () => {
      const user = await registerUser(api);
      const socket = await connectSocket(platform.gateways[1], { token: user.accessToken });
      const events = watch(socket);
      const started = Date.now();
      let refreshToken = user.refreshToken;
      // Used every 1.5 s: never idle for 4 s; still over at its 8 s lifetime.
      while (Date.now() - started < 6000) {
        const res = await api.post('/api/auth/refresh', { refreshToken });
        expect(res.status).toBe(200);
        refreshToken = res.body.refreshToken;
        await sleep(1500);
      }
      expect(events).toEqual([]);
      await waitFor(() => events.length === 2, { timeoutMs: 9000, message: 'the expired session ending its socket' });
      expect(events).toEqual([`revoked:${user.session.id}`, 'disconnect:io server disconnect']);
      expect(Date.now() - Date.parse(user.session.expiresAt)).toBeGreaterThan(-1500);
      expect((await api.post('/api/auth/refresh', { refreshToken })).status).toBe(401);
    });

    it('refuses a socket past SOCKETS_PER_USER over all gateways with too_many_connections', async () => {
      const user = await registerUser(api);
      const sockets = [
        await connectSocket(platform.gateways[0], { token: user.accessToken }),
        await connectSocket(platform.gateways[1], { token: user.accessToken }),
        await connectSocket(platform.gateways[0], { token: user.accessToken }),
      ];
      for (const gateway of platform.gateways)
        expect(await handshakeOutcome(gateway, { token: user.accessToken })).toBe('too_many_connections');
      sockets.pop()!.close();
      await waitFor(
        async () => (await handshakeOutcome(platform.gateways[1], { token: user.accessToken })) === 'connected',
        {
          timeoutMs: 3000,
          message: 'a freed slot',
        },
      );
      for (const s of sockets) s.close();
    });

    it('refuses handshakes from an IP after HANDSHAKE_FAILURE_LIMIT bad ones, not from others', async () => {
      const user: TestUser = await registerUser(api);
      const ip = `7.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const extraHeaders = { 'x-forwarded-for': ip };
      for (let i = 0; i < 5; i++)
        expect(await handshakeOutcome(platform.gateways[i % 2], { token: `bad.${i}.token` }, { extraHeaders })).toBe(
          'unauthorized',
        );
      expect(await handshakeOutcome(platform.gateways[0], { token: user.accessToken }, { extraHeaders })).toBe(
        'too_many_handshakes',
      );
      expect(
        await handshakeOutcome(
          platform.gateways[0],
          { token: user.accessToken },
          { extraHeaders: { 'x-forwarded-for': '8.8.4.4' } },
        ),
      ).toBe('connected');
    });
  });

  describe('login limits (decided by the auth app)', () => {
    it('limits failures per account over all IPs: past LOGIN_ACCOUNT_RATE_LIMIT even the right password gets 429', async () => {
      const user = await registerUser(api);
      for (let i = 0; i < 4; i++) {
        const res = await (i % 2 ? api2 : api).post(
          '/api/auth/login',
          { email: user.email, password: `wrong password ${i}` },
          from(`9.${i}.${Math.floor(Math.random() * 250)}.1`),
        );
        expect(res.status).toBe(401);
      }
      const res = await api.post('/api/auth/login', { email: user.email, password: user.password }, from('9.9.9.9'));
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    const sprayFrom = async (ips: string[]) => {
      const statuses: number[] = [];
      for (const ip of ips) {
        const res = await api.post(
          '/api/auth/login',
          { email: `spray_${uniqueSuffix()}@example.test`, password: 'wrong password 123' },
          from(ip),
        );
        statuses.push(res.status);
      }
      return statuses;
    };

    it('limits attempts per IP over all emails: spraying accounts from one IP gets 429', async () => {
      const user = await registerUser(api);
      const ip = `5.${Math.floor(Math.random() * 250)}.1.1`;
      expect(await sprayFrom(Array(6).fill(ip))).toEqual(Array(6).fill(401));
      const res = await api.post('/api/auth/login', { email: user.email, password: user.password }, from(ip));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(
        (await api.post('/api/auth/login', { email: user.email, password: user.password }, from('5.250.2.2'))).status,
      ).toBe(200);
    });

    it('counts IPv6 clients per /64 and an IPv4-mapped address as its IPv4 address', async () => {
      const user = await registerUser(api);
      const net = `2001:db8:${Math.floor(Math.random() * 65535).toString(16)}:1`;
      expect(await sprayFrom([1, 2, 3, 4, 5, 6].map((i) => `${net}::${i}`))).toEqual(Array(6).fill(401));
      const sameNet = await api.post(
        '/api/auth/login',
        { email: user.email, password: user.password },
        from(`${net}::ffff`),
      );
      expect(sameNet.status).toBe(429);
      const otherNet = await api.post(
        '/api/auth/login',
        { email: user.email, password: user.password },
        from(`${net.slice(0, -1)}2::1`),
      );
      expect(otherNet.status).toBe(200);

      const v4 = `10.${Math.floor(Math.random() * 250)}.30.40`;
      expect(await sprayFrom([v4, `::ffff:${v4}`, v4, `::ffff:${v4}`, v4, `::ffff:${v4}`])).toEqual(Array(6).fill(401));
      expect((await api.post('/api/auth/login', { email: user.email, password: user.password }, from(v4))).status).toBe(
        429,
      );
    });
  });
});
