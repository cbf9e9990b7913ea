import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  apiClient,
  connectUsers,
  openApiValidator,
  type RecordedResponse,
  registerMember,
  sharedPlatform,
} from '@plaza/testing';

const ROOT = join(__dirname, '..');

/** `/api/posts/:id/comments` → `/api/posts/{id}/comments`, as OpenAPI writes paths. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('API documents served by the gateway', () => {
  const platform = sharedPlatform();

  it('serves Swagger UI at /api/docs', async () => {
    const res = await fetch(`${platform.gateways[0]}/api/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });

  it('documents every REST route of every app, with auth and responses', async () => {
    const doc = (await platform.api[1].get('/api/docs-json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    const missing: string[] = [];
    for (const [name, url] of Object.entries({ ...platform.apps, gateway: platform.gateways[0] })) {
      const routes = (await apiClient(url).get<{ method: string; url: string }[]>('/internal/routes')).body;
      if (name !== 'gateway') expect(routes.length).toBeGreaterThan(0);
      for (const route of routes) {
        if (route.url.startsWith('/api/docs')) continue;
        const operation = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
        if (!operation) missing.push(`${name}: ${route.method} ${route.url}`);
        else if (Object.keys(operation.responses ?? {}).length === 0)
          missing.push(`${name}: ${route.method} ${route.url} has no responses`);
      }
    }
    expect(missing).toEqual([]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('publishes the AsyncAPI document of the socket events next to it', async () => {
    const res = await platform.api[0].get('/api/docs/asyncapi.json');
    expect(res.status).toBe(200);
    expect(res.body.asyncapi).toMatch(/^3\./);
    expect(Object.values(res.body.channels).map((c: any) => c.address)).toContain('message:new');
  });

  it('passes `redocly lint` with the recommended rules: no error, no warning', async () => {
    const doc = (await platform.api[0].get('/api/docs-json')).body;
    const dir = mkdtempSync(join(tmpdir(), 'plaza-openapi-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      const run = await promisify(execFile)(
        process.execPath,
        [
          join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'),
          'lint',
          'openapi.json',
          '--extends=recommended',
          '--format=json',
        ],
        { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      ).catch((err: { stdout: string }) => err);
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
        problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
      };
      const problems = report.problems.map(
        (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`,
      );
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('describes the real answers: successes and errors validate against the document', async () => {
    const check = openApiValidator((await platform.api[0].get('/api/docs-json')).body);
    const seen: RecordedResponse[] = [];
    const api = apiClient(platform.gateways[0]);
    const call = async (method: string, path: string, body?: unknown, token?: string, raw?: string) => {
      const res = await api.request(method, path, body, { token, raw });
      seen.push({
        method,
        path: path.split('?')[0],
        status: res.status,
        contentType: res.headers.get('content-type'),
        body: res.body,
      });
      return res;
    };
    const a = await registerMember(api);
    const b = await registerMember(api);
    await connectUsers(api, a, b);
    await call('GET', '/api/auth/me', undefined, a.token);
    await call('GET', '/api/auth/me');
    await call('POST', '/api/auth/login', { email: 'nobody@example.com', password: 'wrong-password' });
    await call('POST', '/api/auth/register', { email: 'not-an-email' });
    await call('PATCH', '/api/profiles/me', { headline: 'Docs' }, a.token);
    await call('GET', `/api/profiles/${b.handle}`, undefined, a.token);
    const post = await call('POST', '/api/posts', { text: 'documented' }, a.token);
    await call('POST', '/api/posts', undefined, a.token, JSON.stringify({ text: 'x'.repeat(70 * 1024) }));
    await call('GET', `/api/posts/${post.body.id}`, undefined, b.token);
    await call('POST', `/api/posts/${post.body.id}/comments`, { text: '' }, b.token);
    await call('PUT', `/api/posts/${post.body.id}/reactions`, { type: 'nope' }, b.token);
    await call('GET', '/api/feed', undefined, b.token);
    await call('GET', '/api/notifications', undefined, a.token);
    const conversation = await call('POST', '/api/conversations', { memberIds: [b.id] }, a.token);
    await call('GET', '/api/conversations', undefined, b.token);
    await call('GET', `/api/conversations/${conversation.body.id}/messages`, undefined, b.token);
    await call('GET', `/api/presence?userIds=${b.id}`, undefined, a.token);
    await call('GET', '/api/posts/00000000-0000-4000-8000-000000000000', undefined, a.token);
    const problems = seen.map(check).filter(Boolean);
    expect(problems).toEqual([]);
    expect(seen.map((r) => r.status)).toEqual(expect.arrayContaining([200, 201, 400, 401, 404, 413]));
  }, 90_000);

  // @plaza/client's types are generated from this snapshot (npm run client:generate); refresh it
  // with PLAZA_UPDATE_OPENAPI=1 on this suite, or `npm run client:generate -- --from <gateway>`.
  it('is the document @plaza/client was generated from (libs/client/openapi.json)', async () => {
    const doc = (await platform.api[0].get('/api/docs-json')).body;
    const snapshot = join(ROOT, 'libs/client/openapi.json');
    if (process.env.PLAZA_UPDATE_OPENAPI === '1') writeFileSync(snapshot, `${JSON.stringify(doc, null, 2)}\n`);
    expect(JSON.parse(readFileSync(snapshot, 'utf8'))).toEqual(doc);
  });
});
