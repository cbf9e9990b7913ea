import { createServer, type Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { socketIoKey } from '@plaza/redis';
import {
  apiClient,
  type ApiClient,
  expectRateLimited,
  freePort,
  grantRole,
  type Platform,
  registerUser,
  sleep,
  SPOOFED_IP_HEADERS,
  startPlatform,
  waitFor,
} from '@plaza/testing';

/**
 * Settings the shared platform cannot have: a login limit of 3 per minute and 2-second sessions.
 * Its Redis is the shared one, so only keys unique to this suite are used (unique emails).
 */
describe('auth hardening: login rate limit, session expiry, socket revocation', () => {
  let platform: Platform;
  let api: ApiClient;

  beforeAll(async () => {
    platform = await startPlatform({
      apps: ['auth'],
      gateways: 1,
      env: { LOGIN_RATE_LIMIT: '3', SESSION_TTL_SECONDS: '2' },
    });
    api = apiClient(platform.gateways[0]);
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
  });

  it('answers 429 with Retry-After past LOGIN_RATE_LIMIT per (IP, email), also with a spoofed X-Forwarded-For', async () => {
    const user = await registerUser(api, { rememberMe: true });
    for (let i = 0; i < 3; i++) {
      expect((await api.post('/api/auth/login', { email: user.email, password: 'wrong password 123' })).status).toBe(
        401,
      );
    }
    expectRateLimited(await api.post('/api/auth/login', { email: user.email, password: user.password }), {
      above: 0,
      atMost: 60,
    });
    // TRUST_PROXY is 0: a client-chosen X-Forwarded-For (or our internal header) changes nothing.
    for (const headers of SPOOFED_IP_HEADERS) {
      const res = await api.post('/api/auth/login', { email: user.email, password: user.password }, { headers });
      expect(res.status).toBe(429);
    }
    // The limit is per email: another account from the same IP signs in.
    const other = await registerUser(api, { rememberMe: true });
    expect((await api.post('/api/auth/login', { email: other.email, password: other.password })).status).toBe(200);
  });

  it('refuses tokens and refresh of an expired session (SESSION_TTL_SECONDS=2)', async () => {
    const user = await registerUser(api);
    const keeper = await registerUser(api, { rememberMe: true });
    expect(user.session.persistence).toBe('session');
    expect(Date.parse(user.session.expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(200);
    await sleep(Math.max(0, Date.parse(user.session.expiresAt) - Date.now()) + 100);
    expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
    // A remember-me session (30 days) is unaffected.
    expect((await api.get('/api/auth/me', { token: keeper.accessToken })).status).toBe(200);
  });

  describe('socket revocation through the socket.io Redis emitter', () => {
    let http: HttpServer;
    let ioServer: Server;
    let url: string;
    const clients: Redis[] = [];

    beforeAll(async () => {
      // A stand-in for a gateway: the classic Redis adapter on the shared key, sockets in session rooms.
      const redisUrl = platform.env.REDIS_URL;
      const pub = new Redis(redisUrl);
      const sub = pub.duplicate();
      clients.push(pub, sub);
      http = createServer();
      ioServer = new Server(http, { adapter: createAdapter(pub, sub, { key: socketIoKey(redisUrl) }) });
      ioServer.on('connection', (socket) => {
        void socket.join(`session:${String(socket.handshake.auth.sessionId)}`);
        socket.emit('ready');
      });
      const port = await freePort();
      await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${port}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => ioServer.close(() => resolve()));
      await Promise.all(clients.map((c) => c.quit()));
    });

    const open = async (sessionId: string) => {
      const socket: Socket = connect(url, { auth: { sessionId }, transports: ['websocket'], reconnection: false });
      const events: string[] = [];
      socket.on('session:revoked', (payload: { sessionId: string }) => events.push(`revoked:${payload.sessionId}`));
      socket.on('disconnect', (reason) => events.push(`disconnect:${reason}`));
      await new Promise<void>((resolve) => socket.once('ready', () => resolve()));
      return { socket, events };
    };

    it('logout sends session:revoked then disconnects only that session’s sockets', async () => {
      const user = await registerUser(api, { rememberMe: true });
      const other = await api.post('/api/auth/login', { email: user.email, password: user.password, rememberMe: true });
      const [a, b] = await Promise.all([open(user.session.id), open(other.body.session.id)]);
      expect((await api.post('/api/auth/logout', undefined, { token: user.accessToken })).status).toBe(204);
      await waitFor(() => a.events.length === 2, { message: 'revocation of the logged-out session' });
      expect(a.events).toEqual([`revoked:${user.session.id}`, 'disconnect:io server disconnect']);
      await sleep(100);
      expect(b.events).toEqual([]);
      expect(b.socket.connected).toBe(true);
      b.socket.close();
    });

    it('DELETE /api/auth/sessions/:id disconnects the revoked session’s sockets', async () => {
      const user = await registerUser(api, { rememberMe: true });
      const other = await api.post('/api/auth/login', { email: user.email, password: user.password, rememberMe: true });
      const b = await open(other.body.session.id);
      expect(
        (await api.delete(`/api/auth/sessions/${other.body.session.id}`, { token: user.accessToken })).status,
      ).toBe(204);
      await waitFor(() => b.events.length === 2, { message: 'revocation' });
      expect(b.events).toEqual([`revoked:${other.body.session.id}`, 'disconnect:io server disconnect']);
    });

    it('suspension disconnects every socket of every session of the user', async () => {
      const [admin, user] = await Promise.all([
        registerUser(api, { rememberMe: true }),
        registerUser(api, { rememberMe: true }),
      ]);
      await grantRole(platform.env, admin.email, 'admin');
      const other = await api.post('/api/auth/login', { email: user.email, password: user.password, rememberMe: true });
      const sockets = await Promise.all([open(user.session.id), open(other.body.session.id)]);
      expect(
        (await api.post(`/api/admin/users/${user.user.id}/suspend`, undefined, { token: admin.accessToken })).status,
      ).toBe(200);
      await waitFor(() => sockets.every((s) => s.events.length === 2), { message: 'both sessions revoked' });
      expect(sockets[0].events).toEqual([`revoked:${user.session.id}`, 'disconnect:io server disconnect']);
      expect(sockets[1].events).toEqual([`revoked:${other.body.session.id}`, 'disconnect:io server disconnect']);
    });
  });
});
