import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { context as otelContext, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { coordinatesOf, graphqlError, type UsageRecorder } from '@plaza/graphql';
import { BREAK, type DocumentNode, visit } from 'graphql';
import { measureOperation } from './operation-limits';

/** What the gateway's Fastify route passes into every operation's context. */
export interface GatewayRequestContext {
  clientIp: string;
  requestId: string;
}

/**
 * Depth, complexity and page-size limits, checked with the operation's variables before the
 * query plan runs (so before any subgraph resolver): DEPTH_LIMIT_EXCEEDED,
 * COMPLEXITY_LIMIT_EXCEEDED, BAD_USER_INPUT.
 */
export function useOperationLimits(limits: { maxDepth: number; maxComplexity: number }): GatewayPlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const measure = measureOperation(args.schema, args.document, args.operationName, args.variableValues);
      const refuse = (code: string, message: string, extra: Record<string, unknown> = {}) =>
        setResultAndStopExecution({ errors: [graphqlError(code, message, extra)] });
      if (measure.badPageSizes.length) {
        refuse('BAD_USER_INPUT', `first/last must be between 1 and 100: ${measure.badPageSizes.join(', ')}`);
      } else if (measure.depth > limits.maxDepth) {
        refuse('DEPTH_LIMIT_EXCEEDED', `Query depth ${measure.depth} exceeds the limit of ${limits.maxDepth}`, {
          depth: measure.depth,
          limit: limits.maxDepth,
        });
      } else if (measure.complexity > limits.maxComplexity) {
        refuse(
          'COMPLEXITY_LIMIT_EXCEEDED',
          `Query complexity ${measure.complexity} exceeds the limit of ${limits.maxComplexity}`,
          { complexity: measure.complexity, limit: limits.maxComplexity },
        );
      }
    },
  };
}

/**
 * Introspection off in production (contract): an operation selecting `__schema` or `__type`
 * anywhere (fragments included) is refused with FORBIDDEN before anything runs. `__typename`
 * stays allowed: clients and the planner need it. The schema is published as schema.graphql.
 */
export function useIntrospectionPolicy(allowed: boolean): GatewayPlugin {
  const introspects = new WeakMap<DocumentNode, boolean>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (allowed) return;
      let found = introspects.get(args.document);
      if (found === undefined) {
        found = false;
        visit(args.document, {
          Field(node) {
            if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
            found = true;
            return BREAK;
          },
        });
        introspects.set(args.document, found);
      }
      if (found) {
        setResultAndStopExecution({
          errors: [
            graphqlError(
              'FORBIDDEN',
              'Introspection is disabled in production; the schema is published as schema.graphql',
            ),
          ],
        });
      }
    },
  };
}

/** Records which fields operations use, for the schema registry's breaking-change check. */
export function useUsageRecording(recorder: UsageRecorder): GatewayPlugin {
  const cache = new WeakMap<DocumentNode, Set<string>>();
  return {
    onExecute({ args }) {
      let coordinates = cache.get(args.document);
      if (!coordinates) {
        coordinates = coordinatesOf(args.schema, args.document);
        cache.set(args.document, coordinates);
      }
      recorder.record(coordinates);
    },
  };
}

/**
 * THE one place every gateway → subgraph request is shaped: the caller's bearer token (each
 * subgraph authenticates it like REST), the request id, the client IP, and the trace context.
 * A header every upstream call must carry (e.g. an internal token) is added here.
 */
export function useSubgraphRequestHeaders(extraHeaders: () => Record<string, string> = () => ({})): GatewayPlugin {
  return {
    onFetch({ options, setOptions, context }) {
      const request = 'request' in context ? (context.request as Request | undefined) : undefined;
      const own = context as Partial<GatewayRequestContext>;
      const headers: Record<string, string> = {
        ...options.headers,
        ...extraHeaders(),
      };
      const authorization = request?.headers.get('authorization');
      if (authorization) headers.authorization = authorization;
      if (own.requestId) headers['x-request-id'] = own.requestId;
      if (own.clientIp) headers['x-plaza-client-ip'] = own.clientIp;
      setOptions({ ...options, headers });
    },
  };
}

/**
 * One OpenTelemetry span per operation (`graphql.operation`) with a child span per subgraph
 * fetch of its query plan (`graphql.fetch <subgraph>`), whose context is sent to the subgraph
 * (`traceparent`) so its spans join the trace. A no-op unless tracing is on (libs/tracing).
 */
export function useOperationTracing(subgraphOf: (url: string) => string): GatewayPlugin {
  const tracer = trace.getTracer('plaza-graphql');
  const spans = new WeakMap<object, Span>();
  return {
    onExecute({ args }) {
      const name = args.operationName ?? 'anonymous';
      const span = tracer.startSpan(`graphql.operation ${name}`, {
        kind: SpanKind.SERVER,
        attributes: { 'graphql.operation.name': name },
      });
      if (args.contextValue && typeof args.contextValue === 'object') spans.set(args.contextValue, span);
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0].message });
          span.end();
        },
      };
    },
    onFetch({ url, options, setOptions, context }) {
      const parent = context && typeof context === 'object' ? spans.get(context) : undefined;
      if (!parent) return;
      const parentContext = trace.setSpan(otelContext.active(), parent);
      const span = tracer.startSpan(
        `graphql.fetch ${subgraphOf(url)}`,
        { kind: SpanKind.CLIENT, attributes: { 'url.full': url, 'graphql.subgraph': subgraphOf(url) } },
        parentContext,
      );
      const headers: Record<string, string> = { ...options.headers };
      propagation.inject(trace.setSpan(parentContext, span), headers);
      setOptions({ ...options, headers });
      return ({ response }) => {
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
    },
  };
}
