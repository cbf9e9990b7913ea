/**
 * Every domain event that crosses an app boundary: its payload, the app that owns (publishes)
 * it and the current payload version. Publishers and consumers share these types, so a payload
 * change is a compile error on both sides. To add an event: add its payload to `EventPayloads`
 * and a row to `EVENT_CATALOGUE`. To change a payload incompatibly: bump `version` and keep
 * consumers tolerant of the previous version until every producer has moved.
 */
export interface EventPayloads {
  'user.registered': { userId: string; email: string; handle: string; displayName: string };
  'user.suspended': { userId: string };
  'user.unsuspended': { userId: string };
  'profile.updated': { userId: string; handle: string; displayName: string; headline: string };
  'connection.requested': { requestId: string; fromUserId: string; toUserId: string };
  /** userAId sent the request, userBId accepted it: the notification goes to userAId. */
  'connection.accepted': { userAId: string; userBId: string; requestId?: string };
  'connection.created': { userAId: string; userBId: string; requestId?: string };
  'connection.removed': { userAId: string; userBId: string };
  /** viaConnection: implied by a connection being made (connection.accepted already tells the user). */
  'follow.created': { followerId: string; followeeId: string; viaConnection?: boolean };
  'follow.removed': { followerId: string; followeeId: string };
  'block.created': { blockerId: string; blockedId: string };
  'block.removed': { blockerId: string; blockedId: string };
  'post.created': { postId: string; authorId: string; visibility: string; createdAt: string };
  'post.deleted': { postId: string; authorId: string };
  'post.commented': { postId: string; commentId: string; authorId: string; postAuthorId: string };
  'post.reacted': { postId: string; userId: string; postAuthorId: string; type: string };
  /** A moderator deleted someone else's post; the auth app records it in the audit log. */
  'post.moderated': { postId: string; authorId: string; moderatorId: string; ip?: string };
  'conversation.member_added': { conversationId: string; userId: string };
  'conversation.member_removed': { conversationId: string; userId: string };
  /** A stored message (written in the transaction that stores it); `memberIds` at that moment, sender included. */
  'message.created': {
    messageId: string;
    conversationId: string;
    seq: number;
    senderId: string;
    memberIds: string[];
    text: string;
    createdAt: string;
  };
}

export type EventName = keyof EventPayloads;
export type EventPayload<N extends EventName> = EventPayloads[N];

/** The apps that publish events; each owns one stream (see `stream-keys.ts`). */
export type EventSource = 'auth' | 'profiles' | 'feed' | 'messaging';

export interface EventDefinition {
  source: EventSource;
  version: number;
}

export const EVENT_CATALOGUE: { readonly [N in EventName]: EventDefinition } = {
  'user.registered': { source: 'auth', version: 1 },
  'user.suspended': { source: 'auth', version: 1 },
  'user.unsuspended': { source: 'auth', version: 1 },
  'profile.updated': { source: 'profiles', version: 1 },
  'connection.requested': { source: 'profiles', version: 1 },
  'connection.accepted': { source: 'profiles', version: 1 },
  'connection.created': { source: 'profiles', version: 1 },
  'connection.removed': { source: 'profiles', version: 1 },
  'follow.created': { source: 'profiles', version: 1 },
  'follow.removed': { source: 'profiles', version: 1 },
  'block.created': { source: 'profiles', version: 1 },
  'block.removed': { source: 'profiles', version: 1 },
  'post.created': { source: 'feed', version: 1 },
  'post.deleted': { source: 'feed', version: 1 },
  'post.commented': { source: 'feed', version: 1 },
  'post.reacted': { source: 'feed', version: 1 },
  'post.moderated': { source: 'feed', version: 1 },
  'conversation.member_added': { source: 'messaging', version: 1 },
  'conversation.member_removed': { source: 'messaging', version: 1 },
  'message.created': { source: 'messaging', version: 1 },
};

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, name);
}

/** What travels on the stream and what a handler receives. */
export interface DomainEvent<N extends EventName = EventName> {
  /** UUID assigned in the outbox; the idempotency key of every consumer. */
  id: string;
  name: N;
  version: number;
  /** The app whose outbox wrote it. */
  source: string;
  /** ISO-8601, the time of the publishing transaction; use it to order updates of one entity. */
  occurredAt: string;
  payload: EventPayload<N>;
  /** W3C trace context (`traceparent`, `tracestate`) of the publishing request, when traced. */
  trace?: Record<string, string>;
}
