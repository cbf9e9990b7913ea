/**
 * The typed map of socket events shared by the gateway, every app that pushes, and the tests.
 * `asyncapi.yaml` in this folder documents the same events; a spec keeps the two in step.
 */

export interface MessagePayload {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  text: string;
  clientMsgId: string;
  createdAt: string;
}

export interface PostPayload {
  id: string;
  author: { id: string; handle: string; displayName: string };
  text: string;
  visibility: 'public' | 'connections';
  createdAt: string;
  commentCount: number;
  reactionCounts: Record<string, number>;
  viewerReaction: string | null;
}

export interface NotificationPayload {
  id: string;
  type: 'connection.requested' | 'connection.accepted' | 'follow.created' | 'post.commented' | 'post.reacted';
  actor: { id: string; handle: string; displayName: string } | null;
  subjectId: string | null;
  createdAt: string;
  read: boolean;
}

/** Server → client events that are logged per user and replayed after a reconnect. */
export interface DurableEvents {
  'message:new': MessagePayload;
  'message:read': { conversationId: string; userId: string; seq: number };
  'feed:post': PostPayload;
  'feed:post-deleted': { postId: string };
  notification: NotificationPayload;
  'session:revoked': { sessionId: string };
}

/** Server → client events that are live only (no eventId, never replayed). */
export interface EphemeralEvents {
  typing: { conversationId: string; userId: string; isTyping: boolean };
  presence: { userId: string; online: boolean; lastSeenAt: string | null };
  'sync:required': { reason: string };
}

export type DurableEventName = keyof DurableEvents;
export type EphemeralEventName = keyof EphemeralEvents;
export type WithEventId<T> = T & { eventId: string };

export type ServerToClientEvents = {
  [E in DurableEventName]: (payload: WithEventId<DurableEvents[E]>) => void;
} & { [E in EphemeralEventName]: (payload: EphemeralEvents[E]) => void };

export type SocketErrorCode =
  'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'internal';
export type Ack<T extends object = object> =
  ({ ok: true } & T) | { ok: false; error: { code: SocketErrorCode; message: string } };

/** Client → server commands; each takes an ack callback. */
export interface ClientToServerEvents {
  'message:send': (
    p: { conversationId: string; text: string; clientMsgId: string },
    ack: (a: Ack<{ message: MessagePayload }>) => void,
  ) => void;
  'message:read': (p: { conversationId: string; seq: number }, ack: (a: Ack) => void) => void;
  'typing:start': (p: { conversationId: string }, ack: (a: Ack) => void) => void;
  'typing:stop': (p: { conversationId: string }, ack: (a: Ack) => void) => void;
}

export const DURABLE_EVENT_NAMES: readonly DurableEventName[] = [
  'message:new',
  'message:read',
  'feed:post',
  'feed:post-deleted',
  'notification',
  'session:revoked',
];
export const EPHEMERAL_EVENT_NAMES: readonly EphemeralEventName[] = ['typing', 'presence', 'sync:required'];
export const CLIENT_EVENT_NAMES: readonly (keyof ClientToServerEvents)[] = [
  'message:send',
  'message:read',
  'typing:start',
  'typing:stop',
];

export const userRoom = (userId: string): string => `user:${userId}`;

type Complete<T, L extends readonly PropertyKey[]> = [Exclude<keyof T, L[number]>] extends [never]
  ? unknown
  : { missing: Exclude<keyof T, L[number]> };
/** A list of every field of T: the compiler refuses a list that misses one (or names an unknown one). */
const fieldsOf =
  <T>() =>
  <const L extends readonly (keyof T & string)[]>(list: L & Complete<T, L>): L =>
    list;

/**
 * The payload fields of every event at run time (for the AsyncAPI check and for tests), derived
 * from the types above: adding a field to a payload type without listing it here fails to compile.
 */
export const EVENT_FIELDS = {
  'message:new': fieldsOf<MessagePayload>()([
    'id',
    'conversationId',
    'seq',
    'senderId',
    'text',
    'clientMsgId',
    'createdAt',
  ]),
  'message:read': fieldsOf<DurableEvents['message:read']>()(['conversationId', 'userId', 'seq']),
  'feed:post': fieldsOf<PostPayload>()([
    'id',
    'author',
    'text',
    'visibility',
    'createdAt',
    'commentCount',
    'reactionCounts',
    'viewerReaction',
  ]),
  'feed:post-deleted': fieldsOf<DurableEvents['feed:post-deleted']>()(['postId']),
  notification: fieldsOf<NotificationPayload>()(['id', 'type', 'actor', 'subjectId', 'createdAt', 'read']),
  'session:revoked': fieldsOf<DurableEvents['session:revoked']>()(['sessionId']),
  typing: fieldsOf<EphemeralEvents['typing']>()(['conversationId', 'userId', 'isTyping']),
  presence: fieldsOf<EphemeralEvents['presence']>()(['userId', 'online', 'lastSeenAt']),
  'sync:required': fieldsOf<EphemeralEvents['sync:required']>()(['reason']),
  'message:send': fieldsOf<Parameters<ClientToServerEvents['message:send']>[0]>()([
    'conversationId',
    'text',
    'clientMsgId',
  ]),
  'message:read (client)': fieldsOf<Parameters<ClientToServerEvents['message:read']>[0]>()(['conversationId', 'seq']),
  'typing:start': fieldsOf<Parameters<ClientToServerEvents['typing:start']>[0]>()(['conversationId']),
  'typing:stop': fieldsOf<Parameters<ClientToServerEvents['typing:stop']>[0]>()(['conversationId']),
} as const;
