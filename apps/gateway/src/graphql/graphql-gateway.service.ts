import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler as rustPlanner } from '@graphql-hive/router-runtime';
import { useAPQ } from '@graphql-yoga/plugin-apq';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type DomainApp, domainAppUrl, PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { internalHeaders } from '@plaza/platform';
import { toGraphQLError, UsageRecorder } from '@plaza/graphql';
import { REDIS, type Redis } from '@plaza/redis';
import type { FastifyInstance } from 'fastify';
import { GraphQLError } from 'graphql';
import { redisApqStore } from './apq.store';
import {
  type GatewayRequestContext,
  useIntrospectionPolicy,
  useOperationLimits,
  useOperationTracing,
  useSubgraphRequestHeaders,
  useUsageRecording,
} from './graphql-plugins';
import { SupergraphService } from './supergraph.service';

export const GRAPHQL_PATH = '/graphql';

const hasCode = (e: unknown): e is GraphQLError & { extensions: { code: string } } =>
  e instanceof GraphQLError && typeof e.extensions?.code === 'string';
const DOMAIN_APPS: DomainApp[] = ['auth', 'profiles', 'feed', 'messaging'];

/**
 * The federated GraphQL endpoint: the Hive gateway runtime (MIT) executing the registry's
 * supergraph, mounted on the gateway's Fastify instance at `/graphql` (POST; GET for persisted
 * queries), its schema at `/graphql/schema.graphql`. Not Apollo Gateway: Elastic License.
 */
@Injectable()
export class GraphqlGatewayService implements OnApplicationShutdown {
  private readonly logger = new Logger('GraphQL');
  private runtime?: GatewayRuntime<GatewayRequestContext>;

  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly supergraph: SupergraphService,
  ) {}

  register(fastify: FastifyInstance): void {
    const config = this.config;
    const production = config.NODE_ENV === 'production';
    // Domain apps are reached where this gateway's REST proxy reaches them, whatever URL they published.
    const locations = Object.fromEntries(
      DOMAIN_APPS.map((app) => [app, `${domainAppUrl(config, app)}${GRAPHQL_PATH}`]),
    );
    const names = new Map(Object.entries(locations).map(([name, url]) => [url, name]));
    const subgraphOf = (url: string) => names.get(url) ?? new URL(url).host;
    const recorder = new UsageRecorder(this.redis, this.supergraph.registry.usageKey);
    const runtime = createGatewayRuntime<GatewayRequestContext>({
      supergraph: () => this.supergraph.supergraphSdl(),
      // `rust`: Hive Router's query planner (Rust, shipped prebuilt in the package) plans and the
      // runtime executes; `js`: the runtime's own planner. Same plugins and subgraph fetches.
      ...(config.GRAPHQL_PLANNER === 'rust' ? { unifiedGraphHandler: rustPlanner } : {}),
      transportEntries: Object.fromEntries(Object.entries(locations).map(([name, location]) => [name, { location }])),
      graphqlEndpoint: GRAPHQL_PATH,
      landingPage: false,
      // The schema is browsable outside production (GraphiQL at GET /graphql); in production
      // introspection is refused by useIntrospectionPolicy with the contract's FORBIDDEN.
      graphiql: production ? false : { title: 'Plaza GraphQL' },
      logging: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'debug' : 'error',
      healthCheckEndpoint: '/graphql/health',
      readinessCheckEndpoint: '/graphql/ready',
      upstreamTimeout: config.UPSTREAM_TIMEOUT_MS,
      maskedErrors: { maskError: (error) => this.maskError(error) },
      plugins: () => [
        useAPQ({ store: redisApqStore(this.redis), responseConfig: { forceStatusCodeOk: true } }),
        useIntrospectionPolicy(!production),
        useOperationLimits({ maxDepth: config.GRAPHQL_MAX_DEPTH, maxComplexity: config.GRAPHQL_MAX_COMPLEXITY }),
        useUsageRecording(recorder),
        useOperationTracing(subgraphOf),
        // Subgraphs are domain apps: they answer only requests carrying INTERNAL_TOKEN.
        useSubgraphRequestHeaders(() => internalHeaders(config)),
      ],
    });
    this.runtime = runtime;
    this.supergraph.onChange(() => runtime.invalidateUnifiedGraph());

    fastify.route({
      url: GRAPHQL_PATH,
      method: ['GET', 'POST'],
      handler: async (req, reply) => {
        const response = await runtime.handleNodeRequestAndResponse(req, reply, {
          clientIp: req.ip,
          requestId: String(req.id),
        });
        response.headers.forEach((value, key) => void reply.header(key, value));
        await reply.status(response.status).send(response.body);
        return reply;
      },
    });
    fastify.get(`${GRAPHQL_PATH}/schema.graphql`, async (_req, reply) => {
      const current = this.supergraph.current;
      if (!current) {
        return reply.status(503).send({ statusCode: 503, error: 'Service Unavailable', message: 'No supergraph yet' });
      }
      return reply.type('text/plain; charset=utf-8').send(current.publicSdl);
    });
    this.logger.log(`GraphQL at ${GRAPHQL_PATH} (planner: ${config.GRAPHQL_PLANNER})`);
  }

  /**
   * Errors with a contract code (the subgraphs' and the gateway plugins') reach the client as
   * they are; anything else is logged and answered without any detail (`toGraphQLError`, the
   * subgraphs' rule too).
   */
  private maskError(error: unknown): Error {
    const graphql = error instanceof GraphQLError ? error : undefined;
    const original = graphql?.originalError;
    // Several entities of one `_entities` batch refused (e.g. NOT_FOUND each): the runtime joins
    // their errors into one; it keeps their code when they all have one.
    const coded = original instanceof AggregateError ? original.errors.filter(hasCode) : [];
    if (coded.length && coded.length === (original as AggregateError).errors.length) {
      return new GraphQLError([...new Set(coded.map((e) => e.message))].join('; '), {
        path: graphql?.path,
        extensions: { code: coded[0].extensions.code },
      });
    }
    return toGraphQLError(error);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime?.dispose();
  }
}
