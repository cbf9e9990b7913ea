import httpProxy from '@fastify/http-proxy';
import { type DomainApp, domainAppUrl, type PlazaConfig } from '@plaza/config';
import { BODY_LIMIT_BYTES, errorBody, internalHeaders } from '@plaza/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UPSTREAM_PREFIXES } from './upstream-routes';

/**
 * Registers one keep-alive proxy per domain prefix. The gateway's bodyLimit does not apply to
 * proxied (streamed) bodies, so the 64 KiB limit is enforced here on Content-Length; a chunked
 * body without one is cut by the upstream app's own 64 KiB limit and its 413 passes through.
 */
export async function registerUpstreamProxies(fastify: FastifyInstance, config: PlazaConfig): Promise<void> {
  const rejectLargeBodies = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > BODY_LIMIT_BYTES) {
      void reply.status(413).send(errorBody(413, 'Request body is larger than 64 KiB'));
      return;
    }
    done();
  };
  for (const app of Object.keys(UPSTREAM_PREFIXES) as DomainApp[]) {
    for (const prefix of UPSTREAM_PREFIXES[app]) {
      await fastify.register(httpProxy, {
        upstream: domainAppUrl(config, app),
        prefix,
        rewritePrefix: prefix,
        preHandler: rejectLargeBodies,
        undici: {
          connections: 128,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          headersTimeout: config.UPSTREAM_TIMEOUT_MS,
          bodyTimeout: config.UPSTREAM_TIMEOUT_MS,
        },
        replyOptions: {
          rewriteRequestHeaders: (req, headers) => {
            const clean = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('x-plaza-')));
            // The internal token and the client IP (see internalHeaders); never a client's own x-plaza-*.
            return { ...clean, ...internalHeaders(config, req.ip), 'x-request-id': String(req.id) };
          },
          onError: (reply, { error }) => {
            const timedOut = /timeout/i.test(error.message);
            void reply
              .status(timedOut ? 504 : 503)
              .send(errorBody(timedOut ? 504 : 503, `The ${app} service is unavailable, retry shortly`, 'unavailable'));
          },
        },
      });
    }
  }
}
