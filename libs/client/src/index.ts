export {
  type AuthResult,
  DURABLE_EVENTS,
  type LoginBody,
  PlazaClient,
  type PlazaClientOptions,
  PlazaError,
  type PlazaSocket,
  type RegisterBody,
} from './plaza-client';
export type { components, operations, paths } from './generated/openapi';
export type {
  Ack,
  ClientToServerEvents,
  DurableEventName,
  MessagePayload,
  NotificationPayload,
  PostPayload,
  ServerToClientEvents,
} from '@plaza/realtime';
