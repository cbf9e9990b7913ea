export {
  apiClient,
  type ApiClient,
  type ApiResponse,
  fetchInternal,
  internalClient,
  type RequestOptions,
} from './http-client';
export {
  type AppName,
  DOMAIN_APPS,
  mainFile,
  type Platform,
  type PlatformOptions,
  type RunningProcess,
  startPlatform,
  TEST_INTERNAL_TOKEN,
} from './platform';
export { freePort } from './ports';
export { expectErrorBody } from './error-body.expect';
export { expectRateLimited, SPOOFED_IP_HEADERS } from './rate-limit.expect';
export { sharedPlatform } from './shared-platform';
export { ADMIN_DATABASE_URL, createTestDatabase, dropTestDatabase } from './test-database';
export { sleep, waitFor } from './wait';
export { type RedisServer, startRedisServer } from './redis-server';
export {
  grantRole,
  loginUser,
  registerUser,
  registrationBody,
  type RegisterOverrides,
  TEST_PASSWORD,
  type TestUser,
  uniqueSuffix,
} from './auth.factory';
export { type Member, readEventStream, registerMember, type StreamEvent } from './profiles.factory';
export {
  connectRecording,
  connectSocket,
  emitAck,
  handshakeOutcome,
  nextEvent,
  recordEvents,
  type TestSocket,
} from './socket-client';
export { blockUser, connectUsers, openConversation } from './messaging.factory';
export { openApiValidator, readRecordedResponses } from './openapi-validator';
export { type RecordedResponse, recordResponse, RESPONSE_LOG_ENV } from './response-recorder';
export { type ReceivedMail, startSmtpServer, type TestSmtpServer } from './smtp-server';
export { automock, newTestService, type TestService } from './test-service';
