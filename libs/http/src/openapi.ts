import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export interface RouteEntry {
  method: string;
  url: string;
}

/** This app's OpenAPI document, built from its own controllers' decorators. */
export function buildOpenApiDocument(app: NestFastifyApplication, name: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`Plaza ${name}`)
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Internal routes the gateway reads to build the one API document: `/internal/openapi.json`
 * (this app's document) and `/internal/routes` (every `/api` route actually registered, so a
 * test can prove none is missing from the document). Apps bind to a private address and the
 * gateway proxies only `/api`, so clients never reach these.
 */
export function registerInternalDocs(app: NestFastifyApplication, name: string): void {
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RouteEntry[] = [];
  fastify.addHook('onRoute', (route) => {
    // Routes of prefixed plugins (the gateway's proxies) belong to the apps they forward to.
    if (route.prefix) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (route.url.startsWith('/api/') && method !== 'HEAD' && method !== 'OPTIONS')
        routes.push({ method, url: route.url });
    }
  });
  let document: OpenAPIObject | undefined;
  fastify.get('/internal/openapi.json', async () => (document ??= buildOpenApiDocument(app, name)));
  fastify.get('/internal/routes', async () => routes);
}
