export {
  compareStreamIds,
  eventIdOf,
  eventLogKey,
  LOG_HARD_CAP,
  LOG_MIN_AGE_MS,
  LOG_MIN_EVENTS,
  streamIdOf,
} from './event-log';
export { ConnectionsReadModel, connectionsKey, ConversationMembers, conversationMembersKey } from './read-models';
export {
  type Ack,
  CLIENT_EVENT_NAMES,
  type ClientToServerEvents,
  DURABLE_EVENT_NAMES,
  type DurableEventName,
  type DurableEvents,
  EPHEMERAL_EVENT_NAMES,
  type EphemeralEventName,
  type EphemeralEvents,
  type MessagePayload,
  type NotificationPayload,
  type PostPayload,
  type ServerToClientEvents,
  type SocketErrorCode,
  userRoom,
  type WithEventId,
} from './realtime-events';
export { RealtimeModule } from './realtime.module';
export { type LoggedEvent, RealtimePublisher } from './realtime.publisher';
export { TYPING_TTL_MS, type TypingStart, TypingStore } from './typing.store';
export { default as ASYNCAPI_DOCUMENT } from '../asyncapi.json';
export { lastSeenKey, presenceKey, type PresenceStatus, readPresence, visiblePresence } from './presence.reader';
