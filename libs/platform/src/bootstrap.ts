import 'reflect-metadata';
import { type INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { type PlazaConfig } from '@plaza/config';
import { countSqlStatements, type SqlStatementTally } from '@plaza/database';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { errorBody } from './error-body';
import { inputProblem, VALIDATION_OPTIONS } from './input-guard';
import { registerInternalTrust } from './internal-trust';
import { MetricsRegistry } from './metrics';
import { registerInternalDocs } from './openapi';
import { type LoggedRequest, requestId } from './logger.options';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** The validation every app and gateway applies: whitelist, refuse unknown fields, transform. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({ ...VALIDATION_OPTIONS, transform: true, stopAtFirstError: false });
}

export interface BootstrapOptions {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  module: any;
  config: PlazaConfig;
  port: number;
  /**
   * False for the gateway: it streams `/api` bodies to the apps (its proxy plugin brings its own
   * pass-through parser), so only the apps parse JSON, and accept an empty body.
   */
  parsesBodies?: boolean;
  /** Runs before listen: register plugins, adapters, extra hooks. */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

export async function createHttpApp(options: BootstrapOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // X-Forwarded-For is believed only for the TRUST_PROXY hops nearest to us (Fastify ignores a
    // plain number here, hence the function).
    trustProxy: config.TRUST_PROXY > 0 ? (_address: string, hop: number) => hop < config.TRUST_PROXY : false,
    // Requests are logged by pino-http; Fastify's own logger stays off.
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: requestId,
  });
  // Fastify's own JSON parser only (prototype poisoning refused); no form bodies: the contract is JSON.
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance();
  // First hook: nothing else runs for a request an app must refuse (contract: INTERNAL_TOKEN).
  registerInternalTrust(fastify, config, { edge: options.name === 'gateway' });
  if (options.parsesBodies !== false) acceptEmptyJsonBodies(fastify);
  fastify.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // For the request's log line, which only sees the raw request (see logger.options.ts).
    const raw: LoggedRequest = req.raw;
    raw.route = req.routeOptions.url ?? 'unmatched';
    const span = trace.getActiveSpan()?.spanContext();
    if (span && isSpanContextValid(span)) raw.traceId = span.traceId;
  });
  // Parsed input only: a proxied body is a stream, checked by the app that parses it.
  fastify.addHook('preValidation', async (req, reply) => {
    const body = isPlainData(req.body) ? req.body : undefined;
    const problem = inputProblem(body) ?? inputProblem(req.query) ?? inputProblem(req.params);
    if (problem) await reply.status(400).send(errorBody(400, problem));
  });
  // The handler (and everything it awaits) runs inside the request's SQL tally. Entered at
  // preHandler, not onRequest: body parsing runs on the socket's callbacks, which would lose it.
  const tallies = new WeakMap<object, SqlStatementTally>();
  fastify.addHook('preHandler', (req, _reply, done) => {
    const tally: SqlStatementTally = { statements: 0 };
    tallies.set(req, tally);
    countSqlStatements(tally, done);
  });
  const metrics = app.get(MetricsRegistry);
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    const tally = tallies.get(req);
    if (tally) metrics.httpSqlStatements.observe({ method: req.method, route }, tally.statements);
  });
  fastify.addHook('onSend', async (_req, reply) => {
    // Proxied responses keep the name of the app that answered.
    if (!reply.hasHeader('x-served-by')) reply.header('x-served-by', options.name);
  });
  registerInternalDocs(app, options.name);
  await options.configure?.(app);
  return app;
}

/**
 * Fastify's own JSON parser (prototype poisoning refused), except that an empty body is no body:
 * generic fetch wrappers send `Content-Type: application/json` on every call, also on calls that
 * take none (`PUT /api/follows/:id`). A call that needs a body still gets its 400 from validation.
 */
function acceptEmptyJsonBodies(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    void parseJson(req, text, done);
  });
}

function isPlainData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return typeof value === 'string';
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/** Boots an app: listen, log where, and bound the shutdown so a stuck close cannot hang SIGTERM. */
export async function bootstrap(options: BootstrapOptions): Promise<INestApplication> {
  const app = await createHttpApp(options);
  await app.listen({ port: options.port, host: options.config.BIND_HOST });
  const logger = new Logger('Bootstrap');
  logger.log(`${options.name} listening on http://${options.config.BIND_HOST}:${options.port}`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`${options.name}: shutdown took longer than ${options.config.SHUTDOWN_GRACE_MS} ms, exiting`);
        process.exit(1);
      }, options.config.SHUTDOWN_GRACE_MS).unref();
    });
  }
  return app;
}
