export { apiClient, type ApiClient, type ApiResponse, type RequestOptions } from './http-client';
export {
  type AppName,
  DOMAIN_APPS,
  mainFile,
  type Platform,
  type PlatformOptions,
  type RunningProcess,
  startPlatform,
} from './platform';
export { freePort } from './ports';
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
export { automock, newTestService, type TestService } from './test-service';
