import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the reference web client (apps/web): `dist/web`. */
export const WEB_ROOT = join(__dirname, '..', '..', '..', '..', 'web');

/** Paths the gateway owns: never answered with the web client's page. */
const RESERVED_PREFIXES = ['/api', '/socket.io', '/health', '/metrics', '/graphql'];

/**
 * The page's own policy: scripts and styles only from this origin, API and socket.io calls only
 * back to it (CSP 'self' covers ws:/wss: to the same host).
 */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/**
 * Serves the reference web client at `/`: its hashed assets (cached for a year) and, for any other
 * GET outside the gateway's own prefixes, its `index.html` (the client routes its paths itself, e.g.
 * the `/verify-email` and `/reset-password` links of the account emails). Unknown paths under the
 * reserved prefixes, and anything that looks like a missing file, stay the API's JSON 404.
 * Without a built client (`dist/web`), nothing is registered.
 */
export async function registerWebClient(fastify: FastifyInstance, root = WEB_ROOT): Promise<boolean> {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const indexHtml = readFileSync(indexFile);
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file, so the catch-all below is the only wildcard.
    wildcard: false,
    index: false,
    // Swagger UI registers @fastify/static too; only one may decorate the reply.
    decorateReply: false,
    setHeaders: (res, path) => {
      if (path.startsWith(join(root, 'assets'))) res.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const sendIndex = (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', PAGE_CSP)
      .send(indexHtml);
  fastify.get('/', sendIndex);
  fastify.get('/*', (req, reply) => {
    const path = req.url.split('?')[0];
    const reserved = RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
    if (reserved || /\.[a-z0-9]+$/i.test(path)) return reply.callNotFound();
    return sendIndex(req, reply);
  });
  return true;
}
