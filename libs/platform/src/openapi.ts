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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The contract's error body, referenced by every error response of the document. */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  description: 'Every error answer: `{ statusCode, error, message, code? }`',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', description: 'The HTTP status text', example: 'Bad Request' },
    message: {
      description: 'What went wrong; validation errors list one line per problem',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    code: {
      type: 'string',
      description: 'Machine code, e.g. `rate_limited`, `captcha_failed`',
      example: 'bad_request',
    },
  },
};

const COMMON_ERRORS: Record<string, string> = {
  '400': 'Invalid input: unknown fields, wrong types, limits, malformed ids (`bad_request`)',
  '401': 'Missing, invalid or expired access token, or a revoked session (`unauthorized`)',
  '404': 'Not found, or not visible to the caller',
  '413': 'Request body over 64 KiB',
  '429': 'Rate limited (`rate_limited`); wait `Retry-After` seconds',
  '503': 'The app or its storage is unavailable for a moment (`unavailable`); retry later',
};

/**
 * What decorators alone do not say, applied once to the merged document so every app gets it:
 * a schema on every error response (`ErrorBody`), the errors every route can answer (400 for
 * input, 401 when authenticated, 404 with path parameters, 413 with a body, 429 and 503 everywhere),
 * `security: []` on public operations, a server, a licence. Client generators then type every
 * error body, and `redocly lint` (recommended rules) passes.
 */
export function finishOpenApiDocument(doc: OpenAPIObject): OpenAPIObject {
  const out = doc as Json;
  out.servers = [{ url: '/', description: 'The gateway that served this document' }];
  out.info.license ??= { name: 'MIT', url: 'https://opensource.org/licenses/MIT' };
  out.components ??= {};
  out.components.schemas ??= {};
  out.components.schemas.ErrorBody = ERROR_BODY_SCHEMA;
  out.components.headers = { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };
  const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };
  for (const path of Object.values(out.paths as Json)) {
    for (const method of METHODS) {
      const op = path[method] as Json | undefined;
      if (!op) continue;
      const secured = Array.isArray(op.security) && op.security.length > 0;
      if (!secured) op.security = [];
      const params = (op.parameters ?? []) as Json[];
      const wanted = [
        (params.length > 0 || op.requestBody) && '400',
        secured && '401',
        params.some((p) => p.in === 'path') && '404',
        op.requestBody && '413',
        '429',
        '503',
      ].filter(Boolean) as string[];
      op.responses ??= {};
      for (const status of wanted) op.responses[status] ??= { description: COMMON_ERRORS[status] };
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (Number(status) < 400) continue;
        response.content ??= errorContent;
        if (status === '429') response.headers ??= { 'Retry-After': { $ref: '#/components/headers/Retry-After' } };
      }
    }
  }
  return doc;
}
