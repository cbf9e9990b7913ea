import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type PlazaConfig } from '@plaza/config';
import { type AppSchemaOptions, DatabaseModule } from '@plaza/database';
import { RedisModule } from '@plaza/redis';
import { LoggerModule } from 'nestjs-pino';
import { HealthModule } from './health.module';
import { loggerOptions } from './logger.options';

/**
 * What every domain app is made of besides its own features: validated config, JSON logs,
 * Redis, its PostgreSQL schema with migrations, and health endpoints.
 */
@Module({})
export class DomainAppModule {
  static forRoot(name: string, config: PlazaConfig, schema: AppSchemaOptions): DynamicModule {
    return {
      module: DomainAppModule,
      // Global: the lib modules an app imports (events, identity) resolve its DataSource, Redis and
      // health registry from here (DESIGN.md, "Global modules").
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(name, config)),
        RedisModule.forRoot(config.REDIS_URL, name),
        DatabaseModule.forApp(schema),
        HealthModule,
      ],
      exports: [ConfigModule, RedisModule, DatabaseModule, HealthModule],
    };
  }
}
