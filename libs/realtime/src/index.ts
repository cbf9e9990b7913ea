export {
  COMMAND_BATCH_MAX,
  COMMAND_CHANNEL_HEADER,
  COMMAND_CHANNEL_PATH,
  type CommandOutcome,
  commandChannelKey,
  isCommandChannelKey,
  type SendCommand,
} from './command-channel';
export {
  compareStreamIds,
  eventIdOf,
  eventLogKey,
  LOG_HARD_CAP,
  LOG_MIN_AGE_MS,
  LOG_MIN_EVENTS,
  streamIdOf,
} from './event-log';
export { ConnectionsReadModel, ConversationMembers } from './read-models';
export {
  type DirectoryUser,
  type PairState,
  SAFETY_READY_KEY,
  SafetyGraph,
  SafetyGraphUnavailableError,
  type ViewerGraph,
} from './safety-graph';
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
export { type LoggedEvent, type MessagePush, type MessagePushResult, RealtimePublisher } from './realtime.publisher';
export {
  CLIENT_MSG_ID,
  MessageBodyFields,
  ReadMessageCommand,
  ReadPositionFields,
  SendMessageCommand,
  SOCKET_COMMAND_SCHEMAS,
  TypingCommand,
} from './socket-commands';
export { TYPING_TTL_MS, type TypingStart, TypingStore } from './typing.store';
export { default as ASYNCAPI_DOCUMENT } from '../asyncapi.json';
export {
  GATEWAY_ALIVE_TTL_MS,
  GATEWAY_INSTANCES_KEY,
  gatewayAliveKey,
  gatewayUsersKey,
  lastSeenKey,
  presenceKey,
} from './presence-keys';
export { type PresenceStatus, visiblePresence } from './presence.reader';
