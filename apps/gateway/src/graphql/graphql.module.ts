import { Module } from '@nestjs/common';
import { GraphqlGatewayService } from './graphql-gateway.service';
import { SupergraphService } from './supergraph.service';

/** The federated GraphQL endpoint and the live supergraph it serves. */
@Module({
  providers: [SupergraphService, GraphqlGatewayService],
  exports: [GraphqlGatewayService],
})
export class GraphqlModule {}
