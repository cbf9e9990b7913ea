import type { IncomingMessage } from 'node:http';
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { exportersOf, serviceNameOf } from './tracing.env';

/** Probes, scrapes and socket.io transports would each start a trace of their own: noise. */
const UNTRACED_PATHS = /^\/(health\/|metrics\b|socket\.io\/)/;

function otlpExporter(env: NodeJS.ProcessEnv): SpanExporter {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol === 'http/json') return new OtlpJsonExporter();
  if (protocol !== 'http/protobuf') diag.warn(`OTLP protocol ${protocol} is not supported here, using http/protobuf`);
  return new OtlpProtoExporter();
}

function exporterFor(name: string, env: NodeJS.ProcessEnv): SpanExporter | undefined {
  if (name === 'otlp') return otlpExporter(env);
  if (name === 'console') return new ConsoleSpanExporter();
  console.error(`OTEL_TRACES_EXPORTER: unknown exporter "${name}" ignored (use otlp, console or none)`);
  return undefined;
}

/**
 * Starts the trace pipeline: W3C trace context in and out of HTTP (server side and undici
 * client side, which the gateway's proxy and command forwarder use), spans for PostgreSQL and
 * Redis commands made on behalf of a traced request or event. Batching, endpoints, headers and
 * timeouts come from the standard `OTEL_BSP_*` and `OTEL_EXPORTER_OTLP_*` variables.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): NodeTracerProvider {
  if (env.OTEL_LOG_LEVEL) {
    const level = DiagLogLevel[env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel];
    if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), level);
  }
  const spanProcessors: SpanProcessor[] = exportersOf(env)
    .map((name) => exporterFor(name, env))
    .filter((e): e is SpanExporter => e !== undefined)
    .map((exporter) => new BatchSpanProcessor(exporter));
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the app name.
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceNameOf(env) }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new NodeTracerProvider({ resource, spanProcessors });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.test(req.url ?? ''),
        // Outgoing HTTP goes through undici; node:http clients are only readiness probes and the exporter itself.
        ignoreOutgoingRequestHook: () => true,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // Background loops (outbox relay, stream reads, presence sweeps) poll all the time: only
      // their work on behalf of a request or an event is worth a span.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  // Spans still in the batch go out while the app drains; `once` leaves Nest's own handling intact.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void provider.forceFlush().catch(() => undefined));
  }
  return provider;
}
