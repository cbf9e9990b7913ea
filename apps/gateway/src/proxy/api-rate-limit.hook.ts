import type { PlazaConfig } from '@plaza/config';
import { errorBody } from '@plaza/platform';
import { type AccessTokenService, bearerToken } from '@plaza/identity';
import type { Redis } from '@plaza/redis';
import type { FastifyInstance } from 'fastify';

const WINDOW_SECONDS = 60;

/**
 * API_RATE_LIMIT requests per 60 s per user over every REST route and GraphQL operation (per client IP when the caller
 * has no valid Plaza token), counted in Redis so the limit holds across gateway instances. The
 * token's signature is checked locally (no Redis read) only to pick the key; the owning app still
 * authenticates the request in full.
 */
export function registerApiRateLimit(
  fastify: FastifyInstance,
  config: PlazaConfig,
  redis: Redis,
  tokens: AccessTokenService,
): void {
  fastify.addHook('onRequest', async (req, reply) => {
    // GraphQL operations count against the same budget as REST calls.
    const graphql = req.url === '/graphql' || req.url.startsWith('/graphql?');
    if (!req.url.startsWith('/api/') && !graphql) return;
    let subject = `ip:${req.ip}`;
    const token = bearerToken(req.headers.authorization);
    if (token) {
      try {
        subject = `user:${(await tokens.verify(token)).userId}`;
      } catch {
        // Not a valid Plaza token: counted against the client IP.
      }
    }
    const now = Date.now() / 1000;
    const window = Math.floor(now / WINDOW_SECONDS);
    const key = `rl:api:${subject}:${window}`;
    let count: number;
    try {
      const results = await redis
        .multi()
        .incr(key)
        .expire(key, WINDOW_SECONDS + 1)
        .exec();
      count = Number(results?.[0]?.[1] ?? 0);
    } catch {
      // Redis down: the apps answer for themselves (503 where they need Redis); do not block here.
      return;
    }
    if (count > config.API_RATE_LIMIT) {
      const retryAfter = Math.max(1, Math.ceil((window + 1) * WINDOW_SECONDS - now));
      await reply
        .status(429)
        .header('retry-after', String(retryAfter))
        .send(
          graphql
            ? { errors: [{ message: 'Too many requests, retry later', extensions: { code: 'RATE_LIMITED' } }] }
            : errorBody(429, 'Too many requests, retry later', 'rate_limited'),
        );
    }
  });
}
