export { type AppSchemaOptions, dataSourceOptions, initializeAppDataSource } from './data-source.factory';
export { DatabaseModule } from './database.module';
