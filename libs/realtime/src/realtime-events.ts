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

export type SocketErrorCode = 'bad_request' | 'forbidden' | 'not_found' | 'rate_limited' | 'internal';
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: { code: SocketErrorCode; message: string } };

/** Client → server commands; each takes an ack callback. */
export interface ClientToServerEvents {
  'message:send': (p: { conversationId: string; text: string; clientMsgId: string }, ack: (a: Ack<{ message: MessagePayload }>) => void) => void;
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
export const CLIENT_EVENT_NAMES: readonly (keyof ClientToServerEvents)[] = ['message:send', 'message:read', 'typing:start', 'typing:stop'];

export const userRoom = (userId: string): string => `user:${userId}`;
