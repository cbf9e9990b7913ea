import '@plaza/tracing'; // first: it can instrument http, undici, pg and ioredis only before they load
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { loadConfigOrExit } from '@plaza/config';
import { REDIS, type Redis } from '@plaza/redis';
import { bootstrap, buildOpenApiDocument } from '@plaza/platform';
import { AccessTokenService } from '@plaza/identity';
import { SwaggerModule } from '@nestjs/swagger';
import { ASYNCAPI_DOCUMENT } from '@plaza/realtime';
import { AppModule } from './app.module';
import { ApiDocsService } from './docs/api-docs.service';
import { GraphqlGatewayService } from './graphql/graphql-gateway.service';
import { registerApiRateLimit } from './proxy/api-rate-limit.hook';
import { registerUpstreamProxies } from './proxy/proxy.plugin';
import { RedisIoAdapter } from './realtime/redis-io.adapter';
import { CORS_ALLOWED_HEADERS, CORS_METHODS } from './proxy/cors.constants';
import { registerWebClient } from './web/web-client.plugin';

const config = loadConfigOrExit();
void bootstrap({
  name: 'gateway',
  module: AppModule.forRoot(config),
  config,
  port: config.GATEWAY_PORT,
  parsesBodies: false,
  configure: async (app) => {
    const fastify = app.getHttpAdapter().getInstance();
    await fastify.register(helmet, { contentSecurityPolicy: false });
    await fastify.register(cors, {
      origin: config.ALLOWED_ORIGINS,
      credentials: true,
      // The contract's v2 CORS: every method the API uses, and the headers a client sends.
      methods: [...CORS_METHODS],
      allowedHeaders: [...CORS_ALLOWED_HEADERS],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
    registerApiRateLimit(fastify, config, app.get<Redis>(REDIS), app.get(AccessTokenService));
    await registerUpstreamProxies(fastify, config);
    app.get(GraphqlGatewayService).register(fastify);
    app.useWebSocketAdapter(new RedisIoAdapter(app, config));
    const docs = app.get(ApiDocsService);
    SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app, 'API'), {
      jsonDocumentUrl: 'api/docs-json',
      patchDocumentOnRequest: () => docs.document(app),
    });
    fastify.get('/api/docs/asyncapi.json', async () => ASYNCAPI_DOCUMENT);
    await registerWebClient(fastify);
  },
});
