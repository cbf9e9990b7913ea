import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { PlazaConfig } from '@plaza/config';

/** What the app notes on the raw request for its log line: the auth guard the user, the onRequest hook the rest. */
export type LoggedRequest = IncomingMessage & { route?: string; traceId?: string; user?: { id?: string } };

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A caller-supplied request id is kept (so the gateway and the app log the same one) when sane. */
export function requestId(req: IncomingMessage & { id?: unknown }): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.id = id;
  return id;
}

export function loggerOptions(app: string, config: PlazaConfig): Params {
  return {
    forRoutes: ['{*path}'],
    pinoHttp: {
      name: app,
      level: config.LOG_LEVEL,
      formatters: { level: (label: string) => ({ level: label }) },
      genReqId: requestId,
      // Secrets never reach the logs: tokens travel in headers and bodies, and neither is logged.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["sec-websocket-protocol"]'],
        remove: true,
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // Called when the request starts and again for its final line, when all of these are known.
      customProps: (req) => {
        const { route, traceId, user } = req as LoggedRequest;
        return { ...(route && { route }), ...(user?.id && { userId: user.id }), ...(traceId && { traceId }) };
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health/') },
    },
  };
}
