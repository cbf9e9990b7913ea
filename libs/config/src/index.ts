export { configSchema, type PlazaConfig } from './config.schema';
export { ConfigError, loadConfig, loadConfigOrExit } from './config.loader';
export { ConfigModule, PLAZA_CONFIG } from './config.module';
export { type DomainApp, domainAppUrl } from './app-urls';
