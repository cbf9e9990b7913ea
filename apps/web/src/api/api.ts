import createClient from 'openapi-fetch';
import type { components, paths } from '@plaza/client';

/**
 * The web client's one door to the Plaza API, with the token storage and refresh that every call
 * shares. Pages load with one `POST /graphql` operation each (docs/graphql.md); writes, and what
 * GraphQL does not expose (sessions, search, the network, admin, push), go over REST through
 * openapi-fetch typed by the contract's generated types in `@plaza/client`. The screens see plain
 * functions and the types below, whichever of the two answers.
 *
 * Tokens: "keep me signed in" keeps them in `localStorage` (the session lives 30 days by default),
 * otherwise in `sessionStorage` (gone with the tab). An expired access token is renewed once with
 * the refresh token (single flight: concurrent calls wait for the same refresh); a refresh that
 * fails signs the client out.
 */

export interface User {
  id: string;
  email: string | null;
  handle: string;
  displayName: string;
  roles: string[];
  permissions?: string[];
  emailVerified?: boolean;
}
export interface AuthorRef {
  id: string;
  handle: string;
  displayName: string;
}
export interface Relationship {
  connection: 'none' | 'pending_outgoing' | 'pending_incoming' | 'connected';
  following: boolean;
  followedBy: boolean;
  blocked: boolean;
}
export interface Profile extends AuthorRef {
  headline: string | null;
  bio: string | null;
  location: string | null;
  skills: string[];
  connectionCount: number;
  followerCount: number;
  followingCount: number;
  relationship: Relationship | null;
}
export type ReactionType = 'like' | 'celebrate' | 'support' | 'insightful';
export interface Post {
  id: string;
  author: AuthorRef;
  text: string;
  visibility: 'public' | 'connections';
  createdAt: string;
  commentCount: number;
  reactionCounts: Partial<Record<ReactionType, number>>;
  viewerReaction: ReactionType | null;
}
export interface Comment {
  id: string;
  postId: string;
  author: AuthorRef;
  text: string;
  createdAt: string;
}
export interface Notification {
  id: string;
  type: string;
  actor: AuthorRef | null;
  subjectId: string | null;
  createdAt: string;
  read: boolean;
  eventId?: string;
}
export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  text: string;
  clientMsgId: string;
  createdAt: string;
}
export interface Conversation {
  id: string;
  type: 'direct' | 'group';
  title: string | null;
  members: AuthorRef[];
  lastMessage: Message | null;
  unreadCount: number;
  createdAt: string;
}
export interface ConnectionRequest {
  id: string;
  fromUserId: string;
  toUserId: string;
  status: string;
  createdAt: string;
  /** In lists: the other party (sender for incoming, recipient for outgoing). */
  user?: AuthorRef;
}
export interface SessionInfo {
  id: string;
  current: boolean;
  persistence: 'local' | 'session';
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
}
export interface AdminUser {
  id: string;
  email: string | null;
  handle: string;
  displayName: string;
  roles: Role[];
  suspended: boolean;
}
export interface AuditEntry {
  id: string;
  actorId: string | null;
  action: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  createdAt: string;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export type AuthResult = components['schemas']['AuthAuthResultDto'];
export type Role = components['schemas']['AuthRole'];

/** An API answer other than 2xx, with the contract's machine `code` when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Words a person understands for an error, whatever raised it. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'You appear to be offline. Check your connection and try again.';
    if (err.status === 429 || err.code === 'rate_limited') {
      const wait = err.retryAfterSeconds ? ` Try again in ${err.retryAfterSeconds} seconds.` : ' Try again shortly.';
      return `Too many attempts.${wait}`;
    }
    if (err.code === 'account_suspended') return 'This account is suspended. Contact the platform team.';
    if (err.code === 'weak_password')
      return 'That password is too common or too short. Choose a longer, less common one.';
    if (err.code === 'invalid_token') return 'This link has expired or was already used. Ask for a new one.';
    // Sign-in answers 401 invalid_credentials; changing the password, 403 with the same code.
    if (err.code === 'invalid_credentials' && err.status === 403) return 'The current password is not right.';
    if (err.status === 401) return 'Wrong email or password.';
    if (err.status === 403) return "You aren't allowed to do that.";
    if (err.status === 404) return 'Not found, or not visible to you.';
    if (err.status === 409) return err.message || 'That conflicts with something that already exists.';
    if (err.status === 413) return 'That is too long.';
    if (err.status >= 500) return 'Plaza is having trouble right now. Please try again in a moment.';
    return err.message;
  }
  return err instanceof Error ? err.message : 'Something went wrong.';
}

// ---- token storage -------------------------------------------------------------------------

interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  persistence: 'local' | 'session';
}
const KEY = 'plaza.auth';
let tokens: StoredTokens | null = readTokens();
const listeners = new Set<() => void>();

function readTokens(): StoredTokens | null {
  for (const store of [localStorage, sessionStorage]) {
    const raw = store.getItem(KEY);
    if (raw) {
      try {
        return JSON.parse(raw) as StoredTokens;
      } catch {
        store.removeItem(KEY);
      }
    }
  }
  return null;
}

function saveTokens(next: StoredTokens | null): void {
  tokens = next;
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
  if (next) (next.persistence === 'local' ? localStorage : sessionStorage).setItem(KEY, JSON.stringify(next));
  listeners.forEach((l) => l());
}

function keep(result: AuthResult): AuthResult {
  saveTokens({
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    sessionId: result.session.id,
    persistence: result.session.persistence,
  });
  return result;
}

export const session = {
  /** The current access token (for the socket handshake), or null when signed out. */
  accessToken: (): string | null => tokens?.accessToken ?? null,
  id: (): string | null => tokens?.sessionId ?? null,
  signedIn: (): boolean => tokens !== null,
  /** Forget the tokens locally (after a revocation or a sign-out). */
  clear: (): void => saveTokens(null),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Renews the access token; false when the session is over (then the client is signed out). */
  refresh: (): Promise<boolean> => refreshOnce(),
};

// Another tab of the same browser signed in or out: follow it.
window.addEventListener('storage', (e) => {
  if (e.key === KEY) {
    tokens = readTokens();
    listeners.forEach((l) => l());
  }
});

let refreshing: Promise<boolean> | null = null;
function refreshOnce(): Promise<boolean> {
  if (!tokens) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const refreshToken = tokens.refreshToken;
      const result = await send(() => rest.POST('/api/auth/refresh', { body: { refreshToken } }));
      keep(result);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) saveTokens(null);
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// ---- transport -----------------------------------------------------------------------------

/**
 * Typed REST: openapi-fetch over the contract's generated types (`@plaza/client`), so every path,
 * parameter and body below is checked against the served OpenAPI document at compile time.
 */
const rest = createClient<paths>({ baseUrl: location.origin });
rest.use({
  onRequest: ({ request }) => {
    if (tokens && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${tokens.accessToken}`);
    return request;
  },
});

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an `ApiError` with its status, the contract's machine `code` and `Retry-After`. */
async function send<R extends Answer>(request: () => Promise<R>): Promise<Exclude<R['data'], undefined>> {
  let answer: R;
  try {
    answer = await request();
  } catch {
    throw new ApiError(0, 'offline', 'offline');
  }
  const { data, error, response } = answer;
  if (response.ok) return data as Exclude<R['data'], undefined>;
  const body = error as { message?: string | string[]; code?: string } | undefined;
  const message = Array.isArray(body?.message) ? body.message.join('; ') : (body?.message ?? response.statusText);
  throw new ApiError(response.status, body?.code, message, Number(response.headers.get('retry-after')) || undefined);
}

/** Runs an authenticated request; a 401 renews the access token once and tries again. */
async function withRefresh<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && tokens && (await refreshOnce())) return send();
    if (err instanceof ApiError && err.status === 401) saveTokens(null);
    throw err;
  }
}

/** A signed-in REST call (see `send`), renewing the access token once on a 401. */
const authed = <R extends Answer>(request: () => Promise<R>) => withRefresh(() => send(request));

/** GraphQL error codes (docs/graphql.md) as the REST status they stand for. */
const GRAPHQL_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
}

/**
 * One `POST /graphql` operation with the caller's token. Any error fails the whole call as an
 * `ApiError` carrying the REST status and machine code it stands for (`extensions.reason`).
 */
function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return withRefresh(async () => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (tokens) headers.authorization = `Bearer ${tokens.accessToken}`;
    let res: Response;
    try {
      res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    } catch {
      throw new ApiError(0, 'offline', 'offline');
    }
    const answer = (await res.json().catch(() => null)) as GraphQLAnswer<T> | null;
    const error = answer?.errors?.[0];
    if (error || !answer?.data) {
      const code = error?.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
      const status = GRAPHQL_STATUS[code] ?? (res.ok ? 500 : res.status);
      const retry = Number(res.headers.get('retry-after')) || undefined;
      throw new ApiError(
        status,
        error?.extensions?.reason ?? code.toLowerCase(),
        error?.message ?? res.statusText,
        retry,
      );
    }
    return answer.data;
  });
}

// ---- GraphQL page loads: one request per page (docs/graphql.md) ------------------------------

const AUTHOR = 'id handle displayName';
const POST = `id text visibility createdAt commentCount viewerReaction reactionCounts { type count } author { ${AUTHOR} }`;
const PROFILE = `${AUTHOR} headline bio location skills connectionCount followerCount followingCount
  relationship { connection following followedBy blocked }`;
const MESSAGE = 'id conversationId seq text clientMsgId createdAt sender { id }';
const CONVERSATION = `id type title unreadCount createdAt members { ${AUTHOR} online } lastMessage { ${MESSAGE} }`;
/** Messages loaded when a conversation opens, and per "show older". */
const MESSAGES_PAGE = 30;

interface Edges<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
type GqlPost = Omit<Post, 'reactionCounts'> & { reactionCounts: { type: ReactionType; count: number }[] };
type GqlMessage = Omit<Message, 'senderId'> & { sender: { id: string } };
type GqlConversation = Omit<Conversation, 'lastMessage' | 'members'> & {
  members: (AuthorRef & { online: boolean | null })[];
  lastMessage: GqlMessage | null;
};

const page = <T, U>(c: Edges<T>, map: (node: T) => U): Page<U> => ({
  items: c.edges.map((e) => map(e.node)),
  nextCursor: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null,
});
const toPost = (p: GqlPost): Post => ({
  ...p,
  reactionCounts: Object.fromEntries(p.reactionCounts.map((r) => [r.type, r.count])),
});
const toMessage = ({ sender, ...m }: GqlMessage): Message => ({ ...m, senderId: sender.id });
const toConversation = (c: GqlConversation): Conversation => ({
  ...c,
  members: c.members.map(({ online: _online, ...m }) => m),
  lastMessage: c.lastMessage && toMessage(c.lastMessage),
});
/** Members' presence as GraphQL reports it (known for the caller's connections only). */
const presenceOf = (conversations: GqlConversation[]) =>
  conversations.flatMap((c) => c.members.map((m) => ({ userId: m.id, online: m.online === true })));
const notFound = () => new ApiError(404, 'not_found', 'not found');

export interface ProfilePage {
  profile: Profile;
  posts: Page<Post>;
  /** Whether the user has a socket open; known for the caller's connections only, else null. */
  online: boolean | null;
}
export interface MessagesPage {
  items: Message[];
  /** False once the first message (seq 1) is loaded. */
  hasOlder: boolean;
}
const messagesPage = (list: GqlMessage[]): MessagesPage => ({
  items: list.map(toMessage),
  hasOlder: (list[0]?.seq ?? 1) > 1,
});

// ---- the calls, grouped as the contract groups them ----------------------------------------

export const api = {
  auth: {
    register: async (body: {
      email: string;
      password: string;
      handle: string;
      displayName: string;
      rememberMe: boolean;
    }) => keep(await send(() => rest.POST('/api/auth/register', { body }))),
    login: async (body: { email: string; password: string; rememberMe: boolean }) =>
      keep(await send(() => rest.POST('/api/auth/login', { body }))),
    logout: async () => {
      try {
        await authed(() => rest.POST('/api/auth/logout'));
      } finally {
        saveTokens(null);
      }
    },
    me: (): Promise<User> => authed(() => rest.GET('/api/auth/me')),
    sessions: (): Promise<{ items: SessionInfo[] }> => authed(() => rest.GET('/api/auth/sessions')),
    revokeSession: (id: string) => authed(() => rest.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } })),
    // Contract v2 accounts.
    changePassword: (currentPassword: string, newPassword: string) =>
      authed(() => rest.POST('/api/auth/password', { body: { currentPassword, newPassword } })),
    forgotPassword: (email: string) => send(() => rest.POST('/api/auth/password/forgot', { body: { email } })),
    resetPassword: (token: string, newPassword: string) =>
      send(() => rest.POST('/api/auth/password/reset', { body: { token, newPassword } })),
    verifyEmail: (token: string) => send(() => rest.POST('/api/auth/email/verify', { body: { token } })),
    resendVerification: () => authed(() => rest.POST('/api/auth/email/verify/resend')),
  },
  profiles: {
    /** A profile page: the profile and its newest posts (GraphQL `user`); 404 when hidden or unknown. */
    page: async (handle: string): Promise<ProfilePage> => {
      const { user } = await gql<{ user: (Profile & { posts: Edges<GqlPost>; online: boolean | null }) | null }>(
        `query Profile($handle: String!) { user(handle: $handle) { ${PROFILE} online
          posts(first: 20) { edges { node { ${POST} } } pageInfo { hasNextPage endCursor } } } }`,
        { handle },
      );
      if (!user) throw notFound();
      const { posts, online, ...profile } = user;
      const connected = profile.relationship?.connection === 'connected';
      return { profile, posts: page(posts, toPost), online: connected ? online === true : null };
    },
    updateMe: (patch: components['schemas']['ProfilesUpdateProfileDto']): Promise<Profile> =>
      authed(() => rest.PATCH('/api/profiles/me', { body: patch })),
    search: (text: string, cursor?: string): Promise<Page<Profile>> =>
      authed(() => rest.GET('/api/profiles', { params: { query: { q: text, cursor } } })),
    suggestions: (): Promise<Page<Profile>> => authed(() => rest.GET('/api/profiles/me/suggestions')),
  },
  graph: {
    connections: (): Promise<Page<Profile>> =>
      authed(() => rest.GET('/api/connections', { params: { query: { limit: 100 } } })),
    requests: (direction: 'incoming' | 'outgoing') =>
      authed(() => rest.GET('/api/connections/requests', { params: { query: { direction } } })),
    request: (userId: string): Promise<ConnectionRequest> =>
      authed(() => rest.POST('/api/connections/requests', { body: { userId } })),
    accept: (id: string) =>
      authed(() => rest.POST('/api/connections/requests/{id}/accept', { params: { path: { id } } })),
    decline: (id: string) =>
      authed(() => rest.POST('/api/connections/requests/{id}/decline', { params: { path: { id } } })),
    /** Online state of connections (anyone else reads offline): for a connection just made. */
    presence: (userIds: string[]) =>
      authed(() => rest.GET('/api/presence', { params: { query: { userIds: userIds.join(',') } } })),
    disconnect: (userId: string) =>
      authed(() => rest.DELETE('/api/connections/{userId}', { params: { path: { userId } } })),
    follow: (userId: string) => authed(() => rest.PUT('/api/follows/{userId}', { params: { path: { userId } } })),
    unfollow: (userId: string) => authed(() => rest.DELETE('/api/follows/{userId}', { params: { path: { userId } } })),
    block: (userId: string) => authed(() => rest.PUT('/api/blocks/{userId}', { params: { path: { userId } } })),
    unblock: (userId: string) => authed(() => rest.DELETE('/api/blocks/{userId}', { params: { path: { userId } } })),
  },
  feed: {
    /** The home page (GraphQL `feed`), 20 posts at a time. */
    home: async (cursor?: string): Promise<Page<Post>> =>
      page(
        (
          await gql<{ feed: Edges<GqlPost> }>(
            `query Home($after: String) { feed(first: 20, after: $after) {
              edges { node { ${POST} } } pageInfo { hasNextPage endCursor } } }`,
            { after: cursor ?? null },
          )
        ).feed,
        toPost,
      ),
    create: (text: string, visibility: Post['visibility']) =>
      authed(() => rest.POST('/api/posts', { body: { text, visibility, idempotencyKey: crypto.randomUUID() } })),
    remove: (id: string) => authed(() => rest.DELETE('/api/posts/{id}', { params: { path: { id } } })),
    comments: async (postId: string): Promise<Page<Comment>> => {
      const { post } = await gql<{ post: { comments: Edges<Omit<Comment, 'postId'>> } | null }>(
        `query Comments($id: ID!) { post(id: $id) { comments(first: 100) {
          edges { node { id text createdAt author { ${AUTHOR} } } } pageInfo { hasNextPage endCursor } } } }`,
        { id: postId },
      );
      if (!post) throw notFound();
      return page(post.comments, (c) => ({ ...c, postId }));
    },
    comment: (postId: string, text: string): Promise<Comment> =>
      authed(() => rest.POST('/api/posts/{id}/comments', { params: { path: { id: postId } }, body: { text } })),
    react: (postId: string, type: ReactionType) =>
      authed(() => rest.PUT('/api/posts/{id}/reactions', { params: { path: { id: postId } }, body: { type } })),
    unreact: (postId: string) =>
      authed(() => rest.DELETE('/api/posts/{id}/reactions', { params: { path: { id: postId } } })),
  },
  notifications: {
    /** The newest 50 and the unread count over all (GraphQL `notifications`). */
    list: async (): Promise<Page<Notification> & { unreadCount: number }> => {
      const { notifications } = await gql<{ notifications: Edges<Notification> & { unreadCount: number } }>(
        `query Notifications { notifications(first: 50) { unreadCount
          edges { node { id type read subjectId createdAt actor { ${AUTHOR} } } } pageInfo { hasNextPage endCursor } } }`,
      );
      return { ...page(notifications, (n) => n), unreadCount: notifications.unreadCount };
    },
    markRead: (ids?: string[]) => authed(() => rest.POST('/api/notifications/read', { body: ids ? { ids } : {} })),
  },
  messaging: {
    /**
     * The messages page in one request (GraphQL): the 30 most recent conversations with their
     * members' presence, and when `openId` is given that conversation's newest messages.
     */
    load: async (
      openId?: string,
    ): Promise<{
      conversations: Page<Conversation>;
      open: MessagesPage | null;
      presence: { userId: string; online: boolean }[];
    }> => {
      const data = await gql<{
        conversations: Edges<GqlConversation>;
        conversation?: { messages: GqlMessage[] } | null;
      }>(
        `query Messages($open: ID!, $withOpen: Boolean!) {
          conversations(first: 30) { edges { node { ${CONVERSATION} } } pageInfo { hasNextPage endCursor } }
          conversation(id: $open) @include(if: $withOpen) { messages(last: ${MESSAGES_PAGE}) { ${MESSAGE} } } }`,
        { open: openId ?? '', withOpen: !!openId },
      );
      const conversations = data.conversations.edges.map((e) => e.node);
      return {
        conversations: page(data.conversations, toConversation),
        open: data.conversation ? messagesPage(data.conversation.messages) : null,
        presence: presenceOf(conversations),
      };
    },
    open: (memberIds: string[], title?: string) =>
      authed(() => rest.POST('/api/conversations', { body: title ? { memberIds, title } : { memberIds } })),
    /** The newest messages, or those before `beforeSeq` (scrolling back), in seq order (GraphQL). */
    messages: async (id: string, beforeSeq?: number): Promise<MessagesPage> => {
      const { conversation } = await gql<{ conversation: { messages: GqlMessage[] } | null }>(
        `query History($id: ID!, $before: Int) { conversation(id: $id) {
          messages(last: ${MESSAGES_PAGE}, before: $before) { ${MESSAGE} } } }`,
        { id, before: beforeSeq ?? null },
      );
      if (!conversation) throw notFound();
      return messagesPage(conversation.messages);
    },
    /** Up to 100 messages after `afterSeq`, to fill a gap (REST: GraphQL has no `afterSeq`). */
    messagesAfter: (id: string, afterSeq: number) =>
      authed(() =>
        rest.GET('/api/conversations/{id}/messages', { params: { path: { id }, query: { afterSeq, limit: 100 } } }),
      ),
    send: (id: string, text: string, clientMsgId: string) =>
      authed(() =>
        rest.POST('/api/conversations/{id}/messages', { params: { path: { id } }, body: { text, clientMsgId } }),
      ),
    read: (id: string, seq: number) =>
      authed(() => rest.POST('/api/conversations/{id}/read', { params: { path: { id } }, body: { seq } })),
  },
  push: {
    vapidPublicKey: () => send(() => rest.GET('/api/push/vapid-public-key')),
    /** `subscription`: the browser's `PushSubscription` as JSON. Registering it again answers the same id. */
    subscribe: (subscription: components['schemas']['PushCreateSubscriptionDto']) =>
      authed(() => rest.POST('/api/push/subscriptions', { body: subscription })),
    unsubscribe: (id: string) =>
      authed(() => rest.DELETE('/api/push/subscriptions/{id}', { params: { path: { id } } })),
  },
  admin: {
    users: (text?: string): Promise<Page<AdminUser>> =>
      authed(() => rest.GET('/api/admin/users', { params: { query: { q: text || undefined } } })),
    setRoles: (id: string, roles: Role[]): Promise<AdminUser> =>
      authed(() => rest.PUT('/api/admin/users/{id}/roles', { params: { path: { id } }, body: { roles } })),
    suspend: (id: string) => authed(() => rest.POST('/api/admin/users/{id}/suspend', { params: { path: { id } } })),
    unsuspend: (id: string) => authed(() => rest.POST('/api/admin/users/{id}/unsuspend', { params: { path: { id } } })),
    audit: (): Promise<Page<AuditEntry>> =>
      authed(() => rest.GET('/api/admin/audit', { params: { query: { limit: 50 } } })),
  },
};
