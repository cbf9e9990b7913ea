import { apiClient, registerUser, sharedPlatform } from '@plaza/testing';

describe('platform: readiness and routing through both gateways', () => {
  const platform = sharedPlatform();

  it('answers /health/live and /health/ready on every app and both gateways', async () => {
    const urls = [...platform.gateways, ...Object.values(platform.apps)];
    for (const url of urls) {
      const client = apiClient(url);
      expect((await client.get('/health/live')).status).toBe(200);
      const ready = await client.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.redis.status).toBe('up');
      expect(ready.body.checks.postgres.status).toBe('up');
    }
  });

  it.each([
    ['/api/auth/x', 'auth'],
    ['/api/admin/x', 'auth'],
    ['/api/profiles/x/y/z', 'profiles'],
    ['/api/connections/x/y', 'profiles'],
    ['/api/posts/x/y/z', 'feed'],
    ['/api/feed/x', 'feed'],
    ['/api/notifications/x/y', 'feed'],
    ['/api/conversations/x/y/z', 'messaging'],
  ])('routes %s to %s through each gateway', async (path, app) => {
    for (const api of platform.api) {
      const res = await api.get(path);
      expect(res.headers.get('x-served-by')).toBe(app);
    }
  });

  it('answers unknown /api routes with 404 in the contract error shape', async () => {
    const res = await platform.api[0].get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
  });

  it('refuses bodies over 64 KiB with 413 on proxied routes, also when chunked', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(70 * 1024) });
    const res = await platform.api[0].post('/api/posts', undefined, { raw: big });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });

    const chunked = await fetch(`${platform.gateways[1]}/api/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
  });

  it('applies CORS from ALLOWED_ORIGINS and security headers', async () => {
    const allowed = await fetch(`${platform.gateways[0]}/api/feed`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.plaza.test', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.plaza.test');
    const patch = await fetch(`${platform.gateways[0]}/api/profiles/me`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.plaza.test',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(patch.status).toBe(204);
    const methods = patch.headers.get('access-control-allow-methods')!.split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    const headers = patch.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/);
    expect(headers).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));
    const foreign = await fetch(`${platform.gateways[0]}/api/feed`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(`${platform.gateways[0]}/health/live`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('accepts an empty body with Content-Type: application/json on calls that take no body', async () => {
    const api = platform.api[0];
    const [a, b] = [await registerUser(api), await registerUser(api)];
    const empty = { raw: '', headers: { 'content-type': 'application/json' }, token: a.accessToken };
    const follow = await api.request('PUT', `/api/follows/${b.user.id}`, undefined, empty);
    expect(follow.status).toBe(204);
    expect(
      (await api.get(`/api/profiles/${b.user.handle}`, { token: a.accessToken })).body.relationship.following,
    ).toBe(true);
    expect((await api.request('DELETE', `/api/follows/${b.user.id}`, undefined, empty)).status).toBe(204);
    expect((await api.request('POST', '/api/auth/logout', undefined, empty)).status).toBe(204);
    // A call that takes a body still says what is missing.
    const post = await api.request('POST', '/api/posts', undefined, { ...empty, token: b.accessToken });
    expect(post.status).toBe(400);
    expect(post.body.message).toEqual(expect.arrayContaining([expect.stringContaining('text')]));
  });

  it('carries one request id from the gateway to the app', async () => {
    const res = await platform.api[0].get('/api/feed/x', { headers: { 'x-request-id': 'trace-me-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me-123');
  });

  it('exposes Prometheus metrics on every app: HTTP latency by route, event streams, sockets', async () => {
    await platform.api[0].get('/api/feed');
    for (const [name, url] of Object.entries({ ...platform.apps, gateway: platform.gateways[0] })) {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('plaza_http_request_duration_seconds_bucket');
      expect(text).toContain('plaza_process_cpu_seconds_total');
      if (name.startsWith('gateway')) expect(text).toContain('plaza_gateway_sockets');
      else expect({ name, events: text.includes('plaza_events_stream_lag') }).toEqual({ name, events: true });
    }
  });
});
