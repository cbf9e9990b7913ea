export { AllExceptionsFilter, isUnavailableError, toErrorBody } from './all-exceptions.filter';
export { BODY_LIMIT_BYTES, bootstrap, type BootstrapOptions, createHttpApp, validationPipe } from './bootstrap';
export {
  DOMAIN_ERROR_STATUS,
  DomainError,
  type DomainErrorCode,
  type DomainErrorOptions,
  domainCodeForStatus,
} from './domain-error';
export { ApiCreatedOrOk, sendCreatedOrOk } from './created-or-ok.reply';
export { errorBody, type ErrorBody } from './error-body';
export { DomainAppModule } from './domain-app.module';
export { HealthModule } from './health.module';
export { type HealthCheck, HealthRegistry } from './health.registry';
export { loggerOptions, requestId } from './logger.options';
export { MetricsController, MetricsRegistry } from './metrics';
export {
  buildOpenApiDocument,
  ERROR_BODY_SCHEMA,
  finishOpenApiDocument,
  registerInternalDocs,
  type RouteEntry,
} from './openapi';
export { CURSOR_TIME, CURSOR_UUID, type CursorField, decodeCursor, encodeCursor } from './cursor.codec';
export { DEFAULT_LIMIT, MAX_LIMIT, PageQueryDto, pageOf } from './page-query.dto';
export { inputProblem, MAX_INPUT_DEPTH } from './input-guard';
export {
  CLIENT_IP_HEADER,
  hasInternalToken,
  internalBearer,
  internalHeaders,
  INTERNAL_TOKEN_HEADER,
  registerInternalTrust,
} from './internal-trust';
