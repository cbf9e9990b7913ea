import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  apiClient,
  type ApiClient,
  expectErrorBody,
  freePort,
  type Platform,
  registrationBody,
  startPlatform,
} from '@plaza/testing';
import { startPrivateRedis } from './private-redis';

/** Answers of the fake siteverify endpoint, by the captcha token the client sent. */
const ANSWERS: Record<string, { status?: number; body?: unknown; hang?: boolean }> = {
  'ok-register': { body: { success: true, action: 'register', score: 0.9, hostname: 'app.plaza.test' } },
  'ok-login': { body: { success: true, action: 'login', score: 0.9, hostname: 'app.plaza.test' } },
  'low-register': { body: { success: true, action: 'register', score: 0.4, hostname: 'app.plaza.test' } },
  // 0.4 passes for login: RECAPTCHA_MIN_SCORE_LOGIN=0.3 below.
  'low-login': { body: { success: true, action: 'login', score: 0.4, hostname: 'app.plaza.test' } },
  'very-low-login': { body: { success: true, action: 'login', score: 0.2, hostname: 'app.plaza.test' } },
  failed: { body: { success: false, 'error-codes': ['invalid-input-response'] } },
  'other-host': { body: { success: true, action: 'register', score: 0.9, hostname: 'evil.example' } },
  'no-score': { body: { success: true, action: 'register', hostname: 'app.plaza.test' } },
  'server-error': { status: 500, body: { error: 'boom' } },
  'not-json': { status: 200, body: '<html>' },
  hang: { hang: true },
};

describe('reCAPTCHA v3 on register and login (fake siteverify server)', () => {
  let platform: Platform;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let api: ApiClient;
  let siteverify: Server;
  let port: number;
  const seen: Record<string, string>[] = [];

  const listen = () =>
    new Promise<void>((resolve) => {
      siteverify = createServer((req: IncomingMessage, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const form = Object.fromEntries(new URLSearchParams(raw));
          seen.push({ ...form, method: req.method ?? '', contentType: req.headers['content-type'] ?? '' });
          const answer = ANSWERS[form.response] ?? { body: { success: false } };
          if (answer.hang) return;
          res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
          res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
        });
      });
      siteverify.listen(port, '127.0.0.1', resolve);
    });
  const close = () =>
    new Promise<void>((resolve) => {
      siteverify.closeAllConnections();
      siteverify.close(() => resolve());
    });

  beforeAll(async () => {
    port = await freePort();
    await listen();
    redis = await startPrivateRedis();
    platform = await startPlatform({
      apps: ['auth'],
      gateways: 1,
      redisUrl: redis.url,
      env: {
        RECAPTCHA_SECRET: 'captcha-test-secret',
        RECAPTCHA_VERIFY_URL: `http://127.0.0.1:${port}/recaptcha/api/siteverify`,
        RECAPTCHA_MIN_SCORE_LOGIN: '0.3',
        RECAPTCHA_HOSTNAMES: 'app.plaza.test',
        RECAPTCHA_TIMEOUT_MS: '500',
      },
    });
    api = apiClient(platform.gateways[0]);
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await redis?.stop();
    await close();
  });

  const register = (captchaToken: string | undefined, body = registrationBody()) =>
    api.post('/api/auth/register', { ...body, ...(captchaToken ? { captchaToken } : {}) });
  const login = (email: string, password: string, captchaToken?: string) =>
    api.post('/api/auth/login', { email, password, ...(captchaToken ? { captchaToken } : {}) });

  it('registers with a good token, posting secret, response and the client IP as a form', async () => {
    const res = await register('ok-register');
    expect(res.status).toBe(201);
    expect(seen[seen.length - 1]).toEqual({
      secret: 'captcha-test-secret',
      response: 'ok-register',
      // The client IP as the gateway saw it (TRUST_PROXY=0: X-Forwarded-For is not believed).
      remoteip: '127.0.0.1',
      method: 'POST',
      contentType: expect.stringContaining('application/x-www-form-urlencoded'),
    });
  });

  it.each([
    ['no token', undefined],
    ['success: false', 'failed'],
    ['a score under the minimum', 'low-register'],
    ['the wrong action', 'ok-login'],
    ['a hostname not allowed', 'other-host'],
    ['no score', 'no-score'],
  ])('refuses registration with %s: 403 captcha_failed, nothing created', async (_label, token) => {
    const body = registrationBody();
    const res = await register(token, body);
    expectErrorBody(res, 403, 'captcha_failed');
    expect((await login(body.email, body.password, 'ok-login')).status).toBe(401);
    // The handle is still free.
    expect((await register('ok-register', { ...registrationBody(), handle: body.handle })).status).toBe(201);
  });

  it.each([
    ['answers 500', 'server-error'],
    ['answers garbage', 'not-json'],
    ['does not answer in time', 'hang'],
  ])('answers 503 (never a pass) when the verifier %s', async (_label, token) => {
    const body = registrationBody();
    const res = await register(token, body);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, code: 'captcha_unavailable' });
    expect((await login(body.email, body.password, 'ok-login')).status).toBe(401);
  });

  it('answers 503 when the verifier is down', async () => {
    await close();
    try {
      const body = registrationBody();
      expect((await register('ok-register', body)).status).toBe(503);
      await listen();
      expect((await login(body.email, body.password, 'ok-login')).status).toBe(401);
    } finally {
      if (!siteverify.listening) await listen();
    }
  });

  it('checks login with its own action and per-action minimum score', async () => {
    const body = registrationBody();
    expect((await register('ok-register', body)).status).toBe(201);
    expect((await login(body.email, body.password)).status).toBe(403);
    expect((await login(body.email, body.password, 'ok-register')).body.code).toBe('captcha_failed');
    expect((await login(body.email, body.password, 'very-low-login')).body.code).toBe('captcha_failed');
    expect((await login(body.email, body.password, 'low-login')).status).toBe(200);
    expect((await login(body.email, body.password, 'ok-login')).status).toBe(200);
  });
});
