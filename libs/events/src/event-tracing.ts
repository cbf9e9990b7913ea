import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DomainEvent } from './event-catalogue';

/**
 * Reserved key of the stored payload JSON carrying the publisher's W3C trace context through the
 * outbox and the stream (no schema change); `decodeEvent` takes it out again.
 */
export const TRACE_KEY = '$trace';

const tracer = trace.getTracer('plaza-events');

/** The active trace context as W3C headers; undefined when nothing is traced (tracing off). */
export function activeTraceContext(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** Splits the trace context off a decoded payload. */
export function takeTraceContext(payload: Record<string, unknown>): Record<string, string> | undefined {
  const carried = payload[TRACE_KEY];
  if (carried === undefined) return undefined;
  delete payload[TRACE_KEY];
  return carried && typeof carried === 'object' ? (carried as Record<string, string>) : undefined;
}

/** Runs an event's handlers in a consumer span that continues the publisher's trace. */
export function inEventSpan<T>(event: DomainEvent, group: string, run: () => Promise<T>): Promise<T> {
  const parent = event.trace ? propagation.extract(ROOT_CONTEXT, event.trace) : ROOT_CONTEXT;
  const attributes = {
    'messaging.system': 'redis',
    'messaging.operation.type': 'process',
    'messaging.consumer.group.name': group,
    'messaging.message.id': event.id,
    'plaza.event.name': event.name,
  };
  return tracer.startActiveSpan(
    `${event.name} process`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    async (span) => {
      try {
        return await run();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
