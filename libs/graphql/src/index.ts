export { type Connection, connectionOf, type Edge, MAX_PAGE_SIZE, pageSize } from './connection';
export { foundEntity, graphqlError, isNotFound, toGraphQLError } from './graphql-error.mapper';
export {
  composeSupergraph,
  type RegistryVerdict,
  SchemaRegistry,
  type SchemaRegistryOptions,
  type SubgraphSubmission,
  type SupergraphRecord,
} from './schema-registry';
export { createLoaders, type SubgraphContext, type SubgraphResolvers } from './subgraph.context';
export { publishSubgraph, subgraphUrl } from './subgraph.publisher';
export {
  buildSubgraph,
  mountSubgraph,
  SUBGRAPH_PATH,
  type SubgraphDefinition,
  type SubgraphHandle,
} from './subgraph.server';
export { coordinatesOf, UsageRecorder, usedCoordinates } from './usage.recorder';
export { uuidArg, validateArgs } from './validate-args';
