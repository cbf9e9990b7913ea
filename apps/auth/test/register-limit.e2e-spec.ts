import {
  apiClient,
  expectRateLimited,
  type Platform,
  registrationBody,
  SPOOFED_IP_HEADERS,
  startPlatform,
} from '@plaza/testing';
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
    expectRateLimited(await api1.post('/api/auth/register', body), { above: 3500, atMost: 3600 });
    for (const headers of SPOOFED_IP_HEADERS) {
      expect((await api2.post('/api/auth/register', registrationBody(), { headers })).status).toBe(429);
    }
    // Nothing was created by the refused attempt.
    expect((await api1.post('/api/auth/login', { email: body.email, password: body.password })).status).toBe(401);
  });
});
