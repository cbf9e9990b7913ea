export { AllExceptionsFilter, isUnavailableError, toErrorBody } from './all-exceptions.filter';
export { BODY_LIMIT_BYTES, bootstrap, type BootstrapOptions, createHttpApp, validationPipe } from './bootstrap';
export { errorBody, type ErrorBody } from './error-body';
export { DomainAppModule } from './domain-app.module';
export { HealthModule } from './health.module';
export { type HealthCheck, HealthRegistry } from './health.registry';
export { loggerOptions, requestId } from './logger.options';
export { MetricsController, MetricsRegistry } from './metrics';
export { buildOpenApiDocument, registerInternalDocs, type RouteEntry } from './openapi';
