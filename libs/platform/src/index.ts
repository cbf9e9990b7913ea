/**
 * The platform every app stands on: bootstrap, errors, health, metrics, OpenAPI, pagination,
 * internal trust, and the client IP. The client IP lives here, not in rate-limit or identity,
 * because it reads the header that internal trust sets and strips; rate-limit (and the auth app)
 * use it, and this lib depends on neither of those libs.
 */
export { AllExceptionsFilter, isUnavailableError, toErrorBody } from './all-exceptions.filter';
export { BODY_LIMIT_BYTES, bootstrap, type BootstrapOptions, createHttpApp, validationPipe } from './bootstrap';
export {
  DOMAIN_ERROR_STATUS,
  DomainError,
  type DomainErrorCode,
  type DomainErrorOptions,
  domainCodeForStatus,
} from './domain-error';
export { ApiCreatedOrOk, createdOrOk } from './created-or-ok.reply';
export { errorBody, type ErrorBody } from './error-body';
export { DomainAppModule } from './domain-app.module';
export { HealthModule } from './health.module';
export { HealthRegistry } from './health.registry';
export { PostgresHealthIndicator } from './postgres.health';
export { RedisHealthIndicator } from './redis.health';
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
export { inputProblem, MAX_INPUT_DEPTH, validateInput, VALIDATION_OPTIONS } from './input-guard';
export {
  CLIENT_IP_HEADER,
  hasInternalToken,
  internalBearer,
  internalHeaders,
  INTERNAL_TOKEN_HEADER,
  registerInternalTrust,
} from './internal-trust';
export { clientIp, type IpRequest, ipBucket } from './client-ip.util';
export { Client, type ClientContext, ClientIp } from './client.decorator';
