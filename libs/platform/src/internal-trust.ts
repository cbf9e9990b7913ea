import { createHash, timingSafeEqual } from 'node:crypto';
import type { PlazaConfig } from '@plaza/config';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from './all-exceptions.filter';
import { DomainError } from './domain-error';
import { errorBody } from './error-body';

/**
 * The one header that proves a request comes from the gateway (or another Plaza process holding
 * INTERNAL_TOKEN). Every gateway → app call sends it: use `internalHeaders(config)`.
 */
export const INTERNAL_TOKEN_HEADER = 'x-plaza-internal-token';

/** Set by the gateway for the apps; believed only on a request that carries the internal token. */
export const CLIENT_IP_HEADER = 'x-plaza-client-ip';

/**
 * Headers every gateway → app request carries (REST proxy, socket command forwarding, GraphQL
 * subgraph fetches, internal routes): `x-plaza-internal-token`, plus the client IP when given.
 * Spread it into the request's headers; never forward a client's own `x-plaza-*` headers.
 */
export function internalHeaders(
  config: Pick<PlazaConfig, 'INTERNAL_TOKEN'>,
  clientIp?: string,
): Record<string, string> {
  const token = requireInternalToken(config);
  return clientIp
    ? { [INTERNAL_TOKEN_HEADER]: token, [CLIENT_IP_HEADER]: clientIp }
    : { [INTERNAL_TOKEN_HEADER]: token };
}

/** `Authorization: Bearer <INTERNAL_TOKEN>`: what Prometheus (or an operator) sends for /metrics. */
export function internalBearer(config: Pick<PlazaConfig, 'INTERNAL_TOKEN'>): Record<string, string> {
  return { authorization: `Bearer ${requireInternalToken(config)}` };
}

function requireInternalToken(config: Pick<PlazaConfig, 'INTERNAL_TOKEN'>): string {
  if (!config.INTERNAL_TOKEN) {
    throw new Error(
      'INTERNAL_TOKEN is not set: the gateway and the apps cannot trust each other (set a random string of at least 32 characters; `npm start` generates one)',
    );
  }
  return config.INTERNAL_TOKEN;
}

/** Compares in constant time (over hashes, so lengths leak nothing either). */
function matches(given: string | string[] | undefined, expected: string): boolean {
  const value = Array.isArray(given) ? given[0] : given;
  if (!value) return false;
  const a = createHash('sha256').update(value).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** True when the request presents INTERNAL_TOKEN in the internal header. */
export function hasInternalToken(req: Pick<FastifyRequest, 'headers'>, token: string): boolean {
  return matches(req.headers[INTERNAL_TOKEN_HEADER], token);
}

function hasInternalBearer(req: Pick<FastifyRequest, 'headers'>, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return !!match && matches(match[1], token);
}

/** Routes that are nobody's business but the platform's: 404 to anyone without the token. */
const isPrivateRoute = (path: string) =>
  path === '/metrics' || path.startsWith('/metrics/') || path.startsWith('/internal/');

/**
 * Trust between Plaza processes (contract: `INTERNAL_TOKEN`, Health). On every process,
 * `/metrics` and `/internal/*` answer 404 without `Authorization: Bearer <INTERNAL_TOKEN>` (or the
 * internal header); `/health/*` stays public. On a domain app (`edge: false`) every other request
 * without the internal header answers 401, and `x-plaza-client-ip` is dropped from any request
 * that does not carry the token, so nobody else can choose the IP that rate limits and audit see.
 */
export function registerInternalTrust(
  fastify: FastifyInstance,
  config: PlazaConfig,
  { edge }: { edge: boolean },
): void {
  const token = requireInternalToken(config);
  fastify.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?', 1)[0];
    const internal = hasInternalToken(req, token);
    if (!internal) delete req.headers[CLIENT_IP_HEADER];
    if (path.startsWith('/health/')) return;
    if (isPrivateRoute(path)) {
      if (internal || hasInternalBearer(req, token)) return;
      // The answer of an unknown route: nothing tells that the route exists.
      await reply.status(404).send(errorBody(404, 'Not Found'));
      return;
    }
    if (edge || internal) return;
    await sendError(
      reply,
      new DomainError('unauthorized', 'This service only answers the Plaza gateway; call the API through it'),
    );
  });
}
