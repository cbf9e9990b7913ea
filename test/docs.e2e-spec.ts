import { internalClient, sharedPlatform } from '@plaza/testing';

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
      const routes = (
        await internalClient(url, platform.env).get<{ method: string; url: string }[]>('/internal/routes')
      ).body;
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
});
