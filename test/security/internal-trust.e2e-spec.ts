import { apiClient, fetchInternal, internalClient, registerUser, sharedPlatform, TEST_PASSWORD } from '@plaza/testing';

/**
 * Issue #15 finding 3: apps trusted anyone who reached their port (and the client IP they
 * claimed); `/metrics` and `/internal/*` were public. Now only holders of INTERNAL_TOKEN get in.
 */
describe('trust between processes (INTERNAL_TOKEN)', () => {
  const platform = sharedPlatform();
  const api = platform.api[0];

  it('a domain app answers 401 to a request sent straight to its port, whatever it claims', async () => {
    const user = await registerUser(api);
    const auth = apiClient(platform.apps.auth);
    // Guesses with a rotating client IP, then the right password: all refused before any decision.
    for (let i = 0; i < 5; i++) {
      const res = await auth.post(
        '/api/auth/login',
        { email: user.email, password: `wrong-${i}-password` },
        { headers: { 'x-plaza-client-ip': `6.6.6.${i}` } },
      );
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/gateway/);
    }
    const right = await auth.post(
      '/api/auth/login',
      { email: user.email, password: TEST_PASSWORD },
      { headers: { 'x-plaza-client-ip': '6.6.6.6' } },
    );
    expect(right.status).toBe(401);
    expect(right.body.accessToken).toBeUndefined();
    // A valid user token is not enough either: the caller must be the gateway.
    for (const app of ['auth', 'profiles', 'feed', 'messaging']) {
      const res = await apiClient(platform.apps[app]).get('/api/auth/me', { token: user.accessToken });
      expect({ app, status: res.status }).toEqual({ app, status: 401 });
    }
    // A wrong internal token is no better than none.
    const forged = await apiClient(platform.apps.auth, { 'x-plaza-internal-token': 'x'.repeat(51) }).get(
      '/api/auth/me',
      { token: user.accessToken },
    );
    expect(forged.status).toBe(401);
    // The gateway's own token works, and health stays public for probes.
    expect(
      (await internalClient(platform.apps.auth, platform.env).get('/api/auth/me', { token: user.accessToken })).status,
    ).toBe(200);
    for (const url of Object.values(platform.apps)) {
      expect((await apiClient(url).get('/health/live')).status).toBe(200);
      expect((await apiClient(url).get('/health/ready')).status).toBe(200);
    }
  });

  it('a client cannot choose the IP an app records: x-plaza-client-ip from a client is dropped', async () => {
    const user = await registerUser(api);
    const res = await api.post(
      '/api/auth/login',
      { email: user.email, password: TEST_PASSWORD },
      { headers: { 'x-plaza-client-ip': '6.6.6.6', 'x-plaza-internal-token': 'guess' } },
    );
    expect(res.status).toBe(200);
    const sessions = await api.get('/api/auth/sessions', { token: res.body.accessToken });
    const ips = sessions.body.items.map((s: { ip: string }) => s.ip);
    expect(ips).not.toContain('6.6.6.6');
    expect(ips.every((ip: string) => /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/.test(ip))).toBe(true);
  });

  it('/metrics and /internal/* answer 404 without the bearer INTERNAL_TOKEN on gateways and apps; docs stay public', async () => {
    const urls = { ...platform.apps, gateway: platform.gateways[0] };
    for (const [name, url] of Object.entries(urls)) {
      for (const path of ['/metrics', '/internal/routes', '/internal/openapi.json']) {
        const anonymous = await fetch(`${url}${path}`);
        expect({ name, path, status: anonymous.status }).toEqual({ name, path, status: 404 });
        const wrong = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer not-the-internal-token' } });
        expect({ name, path, status: wrong.status }).toEqual({ name, path, status: 404 });
      }
      const scraped = await fetchInternal(`${url}/metrics`, platform.env);
      expect({ name, status: scraped.status }).toEqual({ name, status: 200 });
      expect(await scraped.text()).toContain('plaza_http_request_duration_seconds');
    }
    expect((await fetch(`${platform.gateways[0]}/api/docs`)).status).toBe(200);
    // The merged document still holds every app's paths: the gateway reads them with its token.
    const doc = (await api.get('/api/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/posts', '/api/conversations']),
    );
  });
});
