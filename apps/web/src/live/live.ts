import type { QueryClient } from '@tanstack/react-query';
import type { PlazaSocket } from '@plaza/client';
import { io } from 'socket.io-client';
import { api, session, type Message, type Notification, type Page, type Post, type ReactionType } from '../api/api';

/**
 * Live events over socket.io (contract: "Socket events"). One socket per tab, authenticated by a
 * callback so that every (re)connection presents the current access token and the last event id
 * seen: the server then replays what this tab missed, in order, before live events.
 *
 * Durable events (posts, messages, notifications, read receipts) go into the TanStack Query cache
 * where the screens read them; ephemeral ones (typing, presence, connection status) into the small
 * store below, read with `useSyncExternalStore`.
 */

export type LiveStatus = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'stopped';

export interface LiveState {
  status: LiveStatus;
  /** conversationId → userId → time (ms) the indicator lapses. */
  typing: Record<string, Record<string, number>>;
  /** userId → online. */
  presence: Record<string, boolean>;
  /** conversationId → userId → highest seq that member has read. */
  reads: Record<string, Record<string, number>>;
  /** Set when the server revoked this session (signed out from another device, suspended). */
  revoked: boolean;
}

export interface MessageCache {
  items: Message[];
  /** False once scrolling back reached the first message. */
  hasOlder: boolean;
}

const TYPING_LAPSE_MS = 6_000;

let state: LiveState = { status: 'stopped', typing: {}, presence: {}, reads: {}, revoked: false };
const listeners = new Set<() => void>();
function set(patch: Partial<LiveState>): void {
  state = { ...state, ...patch };
  listeners.forEach((l) => l());
}
export const liveStore = {
  get: (): LiveState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** Posts that arrived live, so the feed can slide them in. */
export const freshPosts = new Set<string>();

/** Merges messages into a conversation's cache: one entry per seq, in seq order. */
export function mergeMessages(cache: MessageCache | undefined, incoming: Message[], hasOlder?: boolean): MessageCache {
  const bySeq = new Map<number, Message>();
  for (const m of cache?.items ?? []) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return {
    items: [...bySeq.values()].sort((a, b) => a.seq - b.seq),
    hasOlder: hasOlder ?? cache?.hasOlder ?? true,
  };
}

let socket: PlazaSocket | null = null;
let lastEventId: string | undefined;
let queryClient: QueryClient;

function track(payload: { eventId?: string }): void {
  if (payload.eventId) lastEventId = payload.eventId;
}

async function onMessage(message: Message): Promise<void> {
  const key = ['messages', message.conversationId];
  const cache = queryClient.getQueryData<MessageCache>(key);
  if (cache) {
    const last = cache.items.at(-1)?.seq ?? 0;
    // A gap (seq n then n+2) means one was missed: fetch what lies between.
    const missing = message.seq > last + 1 && cache.items.length > 0;
    queryClient.setQueryData<MessageCache>(key, (c) => mergeMessages(c, [message]));
    if (missing) {
      const page = await api.messaging.messagesAfter(message.conversationId, last);
      queryClient.setQueryData<MessageCache>(key, (c) => mergeMessages(c, page.items));
    }
  }
  const typing = state.typing[message.conversationId];
  if (typing?.[message.senderId]) {
    const { [message.senderId]: _gone, ...rest } = typing;
    set({ typing: { ...state.typing, [message.conversationId]: rest } });
  }
  void queryClient.invalidateQueries({ queryKey: ['conversations'] });
}

function onPost(post: Post): void {
  freshPosts.add(post.id);
  queryClient.setQueryData<Page<Post>>(['feed'], (page) =>
    page && !page.items.some((p) => p.id === post.id) ? { ...page, items: [post, ...page.items] } : page,
  );
}

function onTyping(e: { conversationId: string; userId: string; isTyping: boolean }): void {
  const current = { ...(state.typing[e.conversationId] ?? {}) };
  if (e.isTyping) current[e.userId] = Date.now() + TYPING_LAPSE_MS;
  else delete current[e.userId];
  set({ typing: { ...state.typing, [e.conversationId]: current } });
  // The server also sends isTyping:false after 6 s; this covers a lost one.
  if (e.isTyping) setTimeout(() => onTypingLapse(e.conversationId, e.userId), TYPING_LAPSE_MS + 100);
}
function onTypingLapse(conversationId: string, userId: string): void {
  const until = state.typing[conversationId]?.[userId];
  if (until !== undefined && until <= Date.now()) onTyping({ conversationId, userId, isTyping: false });
}

function goOffline(): void {
  set({ status: 'offline' });
  socket?.disconnect();
}
function goOnline(): void {
  if (socket && session.signedIn()) {
    set({ status: 'reconnecting' });
    socket.connect();
  }
}

/** Opens the tab's socket (once signed in). */
export function startLive(client: QueryClient): void {
  queryClient = client;
  if (socket) return;
  set({ status: navigator.onLine ? 'connecting' : 'offline', revoked: false });
  // Typed by the contract's socket events (`@plaza/client`): a renamed event or field does not compile.
  const s: PlazaSocket = io({
    transports: ['websocket'],
    autoConnect: false,
    auth: (cb) => cb({ token: session.accessToken(), ...(lastEventId ? { lastEventId } : {}) }),
  });
  socket = s;
  s.on('connect', () => set({ status: 'online' }));
  s.on('disconnect', (reason) => {
    if (state.status === 'offline' || state.status === 'stopped') return;
    set({ status: 'reconnecting' });
    // The server closed it (token expired, session ended): renew the token and try again.
    if (reason === 'io server disconnect' && !state.revoked) void reconnectWithFreshToken();
  });
  s.on('connect_error', (err) => {
    if (state.status === 'offline' || state.status === 'stopped') return;
    set({ status: 'reconnecting' });
    if (err.message === 'unauthorized') void reconnectWithFreshToken();
  });
  s.io.on('reconnect_attempt', () => {
    if (state.status !== 'offline') set({ status: 'reconnecting' });
  });

  s.on('feed:post', (post) => {
    track(post);
    // The event types the reaction as any string; the contract allows only the four types.
    onPost({ ...post, viewerReaction: post.viewerReaction as ReactionType | null });
  });
  s.on('feed:post-deleted', (e: { postId: string; eventId?: string }) => {
    track(e);
    queryClient.setQueryData<Page<Post>>(['feed'], (page) =>
      page ? { ...page, items: page.items.filter((p) => p.id !== e.postId) } : page,
    );
  });
  s.on('message:new', (m: Message & { eventId?: string }) => {
    track(m);
    void onMessage(m);
  });
  s.on('message:read', (e: { conversationId: string; userId: string; seq: number; eventId?: string }) => {
    track(e);
    const conv = { ...(state.reads[e.conversationId] ?? {}) };
    conv[e.userId] = Math.max(conv[e.userId] ?? 0, e.seq);
    set({ reads: { ...state.reads, [e.conversationId]: conv } });
  });
  s.on('notification', (n: Notification) => {
    track(n);
    void queryClient.invalidateQueries({ queryKey: ['notifications'] });
    // A new connection: the socket reports only changes, so read where they stand now.
    if (n.type === 'connection.accepted' && n.actor) void refreshPresence([n.actor.id]);
  });
  s.on('typing', onTyping);
  s.on('presence', (p: { userId: string; online: boolean }) => {
    set({ presence: { ...state.presence, [p.userId]: p.online } });
  });
  s.on('session:revoked', () => {
    set({ revoked: true });
    stopLive();
    session.clear();
  });
  s.on('sync:required', () => {
    void queryClient.invalidateQueries();
  });

  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);
  if (navigator.onLine) s.connect();
}

async function reconnectWithFreshToken(): Promise<void> {
  if (!socket) return;
  if (await session.refresh()) socket.connect();
  else stopLive();
}

/** Closes the socket (signing out) and forgets what it knew. */
export function stopLive(): void {
  window.removeEventListener('offline', goOffline);
  window.removeEventListener('online', goOnline);
  const s = socket;
  socket = null;
  lastEventId = undefined;
  set({ status: 'stopped', typing: {}, presence: {}, reads: {} });
  s?.disconnect();
}

/** Records presence read over REST (the socket only reports changes). */
/** Reads the presence of users who just became connections (never rejects: the dot just stays). */
export async function refreshPresence(userIds: string[]): Promise<void> {
  try {
    seedPresence((await api.graph.presence(userIds)).items);
  } catch {
    // Offline or signed out: the next page load seeds it again.
  }
}

export function seedPresence(items: { userId: string; online: boolean }[]): void {
  const presence = { ...state.presence };
  for (const p of items) presence[p.userId] = p.online;
  set({ presence });
}

interface Ack {
  ok: boolean;
  message?: Message;
  error?: { code: string; message: string };
}

/** Sends a message over the socket when it is up (acknowledged), else over REST. */
export async function sendMessage(conversationId: string, text: string): Promise<Message> {
  const clientMsgId = crypto.randomUUID();
  let message: Message;
  if (socket?.connected) {
    const ack = (await socket
      .timeout(10_000)
      .emitWithAck('message:send', { conversationId, text, clientMsgId })) as Ack;
    if (!ack.ok || !ack.message) throw new LiveError(ack.error?.code ?? 'internal', ack.error?.message ?? 'not sent');
    message = ack.message;
  } else {
    message = await api.messaging.send(conversationId, text, clientMsgId);
  }
  queryClient.setQueryData<MessageCache>(['messages', conversationId], (c) => mergeMessages(c, [message]));
  typingSentAt.delete(conversationId);
  return message;
}

export class LiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const typingSentAt = new Map<string, number>();
/** Tells the others "typing…" (renewed at most every 3 s while the person types). */
export function typing(conversationId: string, isTyping: boolean): void {
  if (!socket?.connected) return;
  if (isTyping) {
    const last = typingSentAt.get(conversationId) ?? 0;
    if (Date.now() - last < 3_000) return;
    typingSentAt.set(conversationId, Date.now());
    socket.emit('typing:start', { conversationId }, () => undefined);
  } else if (typingSentAt.delete(conversationId)) {
    socket.emit('typing:stop', { conversationId }, () => undefined);
  }
}

/** Tells the other members this tab read up to `seq`. */
export function markRead(conversationId: string, seq: number): void {
  if (socket?.connected) socket.emit('message:read', { conversationId, seq }, () => undefined);
  else void api.messaging.read(conversationId, seq).catch(() => undefined);
}
