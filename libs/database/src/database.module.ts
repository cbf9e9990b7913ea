import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import type { DataSourceOptions } from 'typeorm';
import { type AppSchemaOptions, dataSourceOptions, initializeAppDataSource } from './data-source.factory';

@Module({})
export class DatabaseModule {
  static forApp(app: AppSchemaOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [PLAZA_CONFIG],
          useFactory: (config: PlazaConfig) => dataSourceOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE, app),
          dataSourceFactory: (options) => initializeAppDataSource(options as DataSourceOptions, app.schema),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
