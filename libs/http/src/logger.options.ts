import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { PlazaConfig } from '@plaza/config';

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
      customProps: (req) => {
        const user = (req as IncomingMessage & { user?: { id?: string } }).user;
        return user?.id ? { userId: user.id } : {};
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health/') },
    },
  };
}
