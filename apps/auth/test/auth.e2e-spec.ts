import { createHmac } from 'node:crypto';
import Redis from 'ioredis';
import { loginUser, registerUser, registrationBody, sharedPlatform, TEST_PASSWORD } from '@plaza/testing';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function hs256(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('auth: register, login, tokens and sessions (through both gateways)', () => {
  const platform = sharedPlatform();
  const [api, api2] = platform.api;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(platform.env.REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
  });

  describe('POST /api/auth/register', () => {
    it('creates the user and answers 201 with an AuthResult', async () => {
      const body = registrationBody({ email: `Mixed_${Date.now()}@Example.TEST` });
      const res = await api.post('/api/auth/register', body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        user: {
          id: expect.any(String),
          email: body.email.toLowerCase(),
          emailVerified: false,
          handle: body.handle,
          displayName: body.displayName,
          roles: ['user'],
        },
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
        session: { id: expect.any(String), persistence: 'session', expiresAt: expect.any(String) },
      });
      const ttl = Date.parse(res.body.session.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(86_400_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
      // The access token works at once, on the other gateway too.
      const me = await api2.get('/api/auth/me', { token: res.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ ...res.body.user, permissions: [] });
    });

    it('answers 409 for a taken email (any case) or handle, and creates nothing', async () => {
      const first = await registerUser(api);
      const sameEmail = await api.post('/api/auth/register', registrationBody({ email: first.email.toUpperCase() }));
      expect(sameEmail.status).toBe(409);
      expect(sameEmail.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'email_taken' });
      const fresh = registrationBody({ handle: first.user.handle });
      const sameHandle = await api.post('/api/auth/register', fresh);
      expect(sameHandle.status).toBe(409);
      expect(sameHandle.body.code).toBe('handle_taken');
      expect((await api.post('/api/auth/login', { email: fresh.email, password: fresh.password })).status).toBe(401);
    });

    it.each([
      ['a password under 10 characters', { password: 'short1234' }],
      ['an invalid email', { email: 'not-an-email' }],
      ['a handle with capitals', { handle: 'Ada_Lovelace' }],
      ['a too short handle', { handle: 'ab' }],
      ['an empty display name', { displayName: '   ' }],
      ['a display name over 80 characters', { displayName: 'x'.repeat(81) }],
      ['a non-boolean rememberMe', { rememberMe: 'yes' }],
    ])('answers 400 for %s', async (_label, override) => {
      const body = { ...registrationBody(), ...override };
      const res = await api.post('/api/auth/register', body);
      expect(res.status).toBe(400);
      // The password rule answers with its own code (contract: 400 `weak_password`).
      const message = 'password' in override ? expect.any(String) : expect.any(Array);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message });
      // Nothing was created: signing in with the same body fails (400 for an invalid email, else 401).
      expect([400, 401]).toContain(
        (await api.post('/api/auth/login', { email: body.email, password: body.password })).status,
      );
    });

    it('refuses unknown fields, and mass assignment of roles or ids, without creating the user', async () => {
      for (const extra of [
        { roles: ['admin'] },
        { id: '00000000-0000-4000-8000-000000000000' },
        { suspended: false },
        { isAdmin: true },
      ]) {
        const body = { ...registrationBody(), ...extra };
        const res = await api.post('/api/auth/register', body);
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toContain(Object.keys(extra)[0]);
        expect((await api.post('/api/auth/login', { email: body.email, password: body.password })).status).toBe(401);
      }
    });

    it('answers 400 for a malformed JSON body', async () => {
      const res = await api.post('/api/auth/register', undefined, { raw: '{"email": ' });
      expect(res.status).toBe(400);
      expect(res.body.statusCode).toBe(400);
    });

    it('stores the password as an argon2id hash at m>=19456, t>=2, p=1, never in clear', async () => {
      const { Client } = await import('pg');
      const user = await registerUser(api);
      const db = new Client({ connectionString: platform.env.DATABASE_URL });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT password_hash FROM auth.users WHERE id = $1', [user.user.id]);
        const hash = rows[0].password_hash as string;
        expect(hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/);
        const [, m, t] = /m=(\d+),t=(\d+)/.exec(hash)!;
        expect(Number(m)).toBeGreaterThanOrEqual(19_456);
        expect(Number(t)).toBeGreaterThanOrEqual(2);
        expect(hash).not.toContain(TEST_PASSWORD);
      } finally {
        await db.end();
      }
    });
  });

  describe('POST /api/auth/login', () => {
    it('answers 200 with a new session', async () => {
      const user = await registerUser(api);
      const res = await api2.post('/api/auth/login', { email: user.email.toUpperCase(), password: user.password });
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(user.user);
      expect(res.body.session.id).not.toBe(user.session.id);
      expect(res.body.session.persistence).toBe('session');
    });

    it('answers wrong password and unknown email alike with 401', async () => {
      const user = await registerUser(api);
      const wrong = await api.post('/api/auth/login', { email: user.email, password: 'wrong password 123' });
      const unknown = await api.post('/api/auth/login', {
        email: `nobody_${Date.now()}@example.test`,
        password: 'wrong password 123',
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Invalid email or password',
        code: 'invalid_credentials',
      });
    });

    it('takes similar time for an unknown email and a wrong password (both run argon2)', async () => {
      const user = await registerUser(api);
      const time = async (email: string) => {
        const start = performance.now();
        await api.post('/api/auth/login', { email, password: 'wrong password 123' });
        return performance.now() - start;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 4; i++) {
        known.push(await time(user.email));
        unknown.push(await time(`nobody_${i}_${Date.now()}@example.test`));
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      // An unknown email that skipped hashing would answer in ~1 ms against ~15+ ms.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    });

    it('answers 400 for unknown fields', async () => {
      const user = await registerUser(api);
      const res = await api.post('/api/auth/login', { email: user.email, password: user.password, admin: true });
      expect(res.status).toBe(400);
    });
  });

  describe('rememberMe', () => {
    it('gives a 30-day "local" session on register and login, kept in Redis for the 7-day idle window', async () => {
      const user = await registerUser(api, { rememberMe: true });
      expect(user.session.persistence).toBe('local');
      const ttl = Date.parse(user.session.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(2_592_000_000 - 60_000);
      // Unused for SESSION_IDLE_TTL_SECONDS (7 d) it is over; each use renews that, up to expiresAt.
      const redisTtl = await redis.pttl(`session:${user.session.id}`);
      expect(redisTtl).toBeGreaterThan(604_800_000 - 60_000);
      expect(redisTtl).toBeLessThanOrEqual(604_800_000);

      const login = await loginUser(api, user.email, user.password, true);
      expect(login.session.persistence).toBe('local');
      const plain = await loginUser(api, user.email, user.password, false);
      expect(plain.session.persistence).toBe('session');
      const plainTtl = await redis.pttl(`session:${plain.session.id}`);
      expect(plainTtl).toBeGreaterThan(86_400_000 - 60_000);
      expect(plainTtl).toBeLessThanOrEqual(86_400_000);
    });
  });

  describe('POST /api/auth/refresh', () => {
    it('rotates: new tokens for the same session, the old refresh token spent; reuse revokes the session', async () => {
      const user = await registerUser(api);
      const first = await api.post('/api/auth/refresh', { refreshToken: user.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body.session.id).toBe(user.session.id);
      expect(first.body.refreshToken).not.toBe(user.refreshToken);
      expect(first.body.user).toEqual(user.user);
      expect((await api.get('/api/auth/me', { token: first.body.accessToken })).status).toBe(200);

      const second = await api2.post('/api/auth/refresh', { refreshToken: first.body.refreshToken });
      expect(second.status).toBe(200);

      // Presenting the spent first token again: 401, and the whole session is gone.
      const reuse = await api.post('/api/auth/refresh', { refreshToken: user.refreshToken });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('refresh_token_reused');
      expect((await api.get('/api/auth/me', { token: second.body.accessToken })).status).toBe(401);
      expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(401);
      expect((await api.post('/api/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(401);
    });

    it('lets only one of two concurrent refreshes with one token win, and then revokes', async () => {
      const user = await registerUser(api);
      const results = await Promise.all([
        api.post('/api/auth/refresh', { refreshToken: user.refreshToken }),
        api2.post('/api/auth/refresh', { refreshToken: user.refreshToken }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
      const winner = results.find((r) => r.status === 200)!;
      expect((await api.get('/api/auth/me', { token: winner.body.accessToken })).status).toBe(401);
    });

    it('answers 401 for forged or garbage refresh tokens without revoking the session', async () => {
      const user = await registerUser(api);
      const [sid, gen] = user.refreshToken.split('.');
      for (const token of [
        `${sid}.${gen}.forged`,
        `${sid}.0.${'A'.repeat(43)}`,
        `${sid}.7.${'A'.repeat(43)}`,
        'garbage',
        user.accessToken,
      ]) {
        const res = await api.post('/api/auth/refresh', { refreshToken: token });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('unauthorized');
      }
      expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(200);
      expect((await api.post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(200);
    });

    it('answers 400 without a refresh token', async () => {
      expect((await api.post('/api/auth/refresh', {})).status).toBe(400);
      expect((await api.post('/api/auth/refresh', { refreshToken: 42 })).status).toBe(400);
    });
  });

  describe('POST /api/auth/logout', () => {
    it('answers 204 and every token of that session is refused at once, on every gateway; other sessions live on', async () => {
      const user = await registerUser(api);
      const other = await loginUser(api, user.email);
      const res = await api.post('/api/auth/logout', undefined, { token: user.accessToken });
      expect(res.status).toBe(204);
      expect((await api2.get('/api/auth/me', { token: user.accessToken })).status).toBe(401);
      expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(401);
      expect((await api.post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
      expect((await api.get('/api/auth/me', { token: other.accessToken })).status).toBe(200);
      expect(await redis.exists(`session:${user.session.id}`)).toBe(0);
    });

    it('answers 401 without a token', async () => {
      const res = await api.post('/api/auth/logout');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Authentication required',
        code: 'unauthorized',
      });
    });
  });

  describe('GET /api/auth/me and token checks', () => {
    it('refuses missing, malformed, tampered, foreign, none-alg and expired tokens with 401', async () => {
      const user = await registerUser(api);
      const secret = platform.env.JWT_SECRET;
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: 'plaza', aud: 'plaza', sub: user.user.id, sid: user.session.id, iat: now, exp: now + 600 };
      const [h, p, s] = user.accessToken.split('.');
      const tampered = `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: '00000000-0000-4000-8000-000000000000' })}.${s}`;
      const tokens = [
        'garbage',
        tampered,
        hs256(claims, 'another-secret-that-is-long-enough-0123456789'),
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
        hs256({ ...claims, exp: now - 10 }, secret),
        hs256({ ...claims, iss: 'someone-else' }, secret),
        hs256({ ...claims, aud: 'other' }, secret),
        hs256({ ...claims, sid: '00000000-0000-4000-8000-000000000000' }, secret),
        hs256(claims, secret, { alg: 'HS512', typ: 'JWT' }),
      ];
      for (const token of tokens) {
        const res = await api.get('/api/auth/me', { token });
        expect({ token, status: res.status }).toEqual({ token, status: 401 });
        expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'unauthorized' });
      }
      // A correctly signed token with the real claims is accepted: the refusals above are specific.
      expect((await api.get('/api/auth/me', { token: hs256(claims, secret) })).status).toBe(200);
      expect((await api.get('/api/auth/me', { headers: { authorization: `Basic ${user.accessToken}` } })).status).toBe(
        401,
      );
    });
  });

  describe('sessions', () => {
    it('lists the caller’s sessions with the current one flagged', async () => {
      const user = await registerUser(api);
      const second = await api2.post(
        '/api/auth/login',
        { email: user.email, password: user.password, rememberMe: true },
        { headers: { 'user-agent': 'PlazaTest/2.0' } },
      );
      const res = await api.get('/api/auth/sessions', { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      const current = res.body.items.find((s: { id: string }) => s.id === user.session.id);
      const other = res.body.items.find((s: { id: string }) => s.id === second.body.session.id);
      expect(current).toMatchObject({ current: true, persistence: 'session', ip: expect.any(String) });
      expect(other).toEqual({
        id: second.body.session.id,
        current: false,
        persistence: 'local',
        createdAt: expect.any(String),
        lastSeenAt: expect.any(String),
        expiresAt: second.body.session.expiresAt,
        userAgent: 'PlazaTest/2.0',
        ip: expect.stringMatching(/127\.0\.0\.1/),
      });
      expect(Date.parse(other.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(other.createdAt));
    });

    it('revokes one of the caller’s sessions (token refused at once), 404 for someone else’s, 400 for a non-uuid', async () => {
      const user = await registerUser(api);
      const second = await loginUser(api, user.email);
      const stranger = await registerUser(api);

      const foreign = await api.delete(`/api/auth/sessions/${stranger.session.id}`, { token: user.accessToken });
      expect(foreign.status).toBe(404);
      expect((await api.get('/api/auth/me', { token: stranger.accessToken })).status).toBe(200);
      expect(
        (await api.delete('/api/auth/sessions/00000000-0000-4000-8000-000000000000', { token: user.accessToken }))
          .status,
      ).toBe(404);
      expect((await api.delete('/api/auth/sessions/not-a-uuid', { token: user.accessToken })).status).toBe(400);

      const res = await api.delete(`/api/auth/sessions/${second.session.id}`, { token: user.accessToken });
      expect(res.status).toBe(204);
      expect((await api2.get('/api/auth/me', { token: second.accessToken })).status).toBe(401);
      expect((await api.post('/api/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
      const list = await api.get('/api/auth/sessions', { token: user.accessToken });
      expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([user.session.id]);
    });
  });
});
