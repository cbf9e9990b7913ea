import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type PlazaConfig } from '@plaza/config';
import { HealthModule, loggerOptions } from '@plaza/platform';
import { IdentityModule } from '@plaza/identity';
import { RedisModule } from '@plaza/redis';
import { LoggerModule } from 'nestjs-pino';
import { ApiDocsService } from './docs/api-docs.service';
import { GraphqlModule } from './graphql/graphql.module';
import { PostgresProbe } from './health/postgres.probe';
import { RealtimeModule } from './realtime/realtime.module';

@Module({})
export class AppModule {
  static forRoot(config: PlazaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions('gateway', config)),
        // Socket commands of one tick share a write (auto-pipelining): the hot path is Redis-bound.
        RedisModule.forRoot(config.REDIS_URL, 'gateway', { enableAutoPipelining: true }),
        HealthModule,
        IdentityModule,
        RealtimeModule,
        GraphqlModule,
      ],
      providers: [PostgresProbe, ApiDocsService],
    };
  }
}
