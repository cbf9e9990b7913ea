import { apiClient, type Platform, registrationBody, startPlatform } from '@plaza/testing';
import { startPrivateRedis } from './private-redis';

describe('registration rate limit (REGISTER_RATE_LIMIT per client IP per hour)', () => {
  let platform: Platform;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    platform = await startPlatform({
      apps: ['auth'],
      gateways: 2,
      redisUrl: redis.url,
      env: { REGISTER_RATE_LIMIT: '2' },
    });
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await redis?.stop();
  });

  it('answers 429 with Retry-After past the limit, across gateways; a spoofed X-Forwarded-For does not escape it', async () => {
    const [api1, api2] = platform.gateways.map((g) => apiClient(g));
    expect((await api1.post('/api/auth/register', registrationBody())).status).toBe(201);
    expect((await api2.post('/api/auth/register', registrationBody())).status).toBe(201);
    const body = registrationBody();
    const limited = await api1.post('/api/auth/register', body);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.any(String),
      code: 'rate_limited',
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    for (const headers of [
      { 'x-forwarded-for': '203.0.113.50' } as Record<string, string>,
      { 'x-real-ip': '203.0.113.51' },
      { 'x-plaza-client-ip': '203.0.113.52' },
    ]) {
      expect((await api2.post('/api/auth/register', registrationBody(), { headers })).status).toBe(429);
    }
    // Nothing was created by the refused attempt.
    expect((await api1.post('/api/auth/login', { email: body.email, password: body.password })).status).toBe(401);
  });
});
