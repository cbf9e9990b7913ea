import { buildSubgraphSchema } from '@apollo/subgraph';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ACCESS_VERIFIER,
  type AccessVerifier,
  bearerToken,
  type Principal,
  UnauthenticatedError,
  VerifierUnavailableError,
} from '@plaza/identity';
import { type DocumentNode, type GraphQLSchema, parse, print } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { graphqlError, toGraphQLError } from './graphql-error.mapper';
import { createLoaders, type SubgraphContext, type SubgraphResolvers } from './subgraph.context';

/** Where every domain app serves its subgraph (reached by the gateway only). */
export const SUBGRAPH_PATH = '/graphql';

export interface SubgraphDefinition {
  /** The app's name: the subgraph's name in the supergraph. */
  name: string;
  /** Federation 2 SDL (with its `@link` to the federation spec). */
  typeDefs: string;
  resolvers: SubgraphResolvers;
  /** Runs once per request before any resolver needs the caller (profiles creates a missing profile). */
  onPrincipal?: (principal: Principal) => Promise<void>;
}

export interface SubgraphHandle {
  schema: GraphQLSchema;
  /** The SDL published to the schema registry. */
  sdl: string;
}

/** Builds the executable subgraph schema (also what `npm run schema:check` composes). */
export function buildSubgraph(definition: Pick<SubgraphDefinition, 'typeDefs' | 'resolvers'>): GraphQLSchema {
  const typeDefs: DocumentNode = parse(definition.typeDefs);
  return buildSubgraphSchema({ typeDefs, resolvers: definition.resolvers as never });
}

/**
 * Serves the app's subgraph at `POST /graphql` on the app's own Fastify instance, with GraphQL
 * Yoga (MIT; the Hive gateway runs on it too) over `@apollo/subgraph`'s `buildSubgraphSchema`
 * (MIT): lighter than `@nestjs/graphql` (no code-first metadata, no driver, no ts-morph), and the
 * resolvers stay thin classes calling the same Nest services as the REST controllers.
 */
export function mountSubgraph(app: NestFastifyApplication, definition: SubgraphDefinition): SubgraphHandle {
  const verifier = app.get<AccessVerifier>(ACCESS_VERIFIER);
  const schema = buildSubgraph(definition);
  const yoga = createYoga<{ authorization?: string }, SubgraphContext>({
    schema,
    graphqlEndpoint: SUBGRAPH_PATH,
    graphiql: false,
    landingPage: false,
    logging: false,
    // Only the gateway calls this endpoint; its masking is the client-facing one. Here every
    // error already gets the contract's code and never a stack.
    maskedErrors: { maskError: (error) => toGraphQLError(error) },
    context: ({ authorization }) => {
      let principal: Promise<Principal> | undefined;
      return {
        principal: () => (principal ??= authenticate(verifier, authorization, definition.onPrincipal)),
        loader: createLoaders(),
      };
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.route({
    url: SUBGRAPH_PATH,
    method: ['GET', 'POST'],
    handler: async (req, reply) => {
      const response = await yoga.handleNodeRequestAndResponse(req, reply, {
        authorization: req.headers.authorization,
      });
      response.headers.forEach((value, key) => void reply.header(key, value));
      await reply.status(response.status).send(response.body);
      return reply;
    },
  });
  return { schema, sdl: print(parse(definition.typeDefs)) };
}

async function authenticate(
  verifier: AccessVerifier,
  authorization: string | undefined,
  onPrincipal: SubgraphDefinition['onPrincipal'],
): Promise<Principal> {
  const token = bearerToken(authorization);
  if (!token) throw graphqlError('UNAUTHENTICATED', 'Authentication required');
  let principal: Principal;
  try {
    principal = await verifier.verify(token);
  } catch (err) {
    if (err instanceof UnauthenticatedError) {
      throw graphqlError('UNAUTHENTICATED', 'Invalid or expired token, or the session was revoked');
    }
    if (err instanceof VerifierUnavailableError) {
      throw graphqlError('UNAVAILABLE', 'The identity provider is unavailable, retry shortly');
    }
    throw err;
  }
  await onPrincipal?.(principal);
  return principal;
}
