import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, DurableEventName, ServerToClientEvents } from '@plaza/realtime';
import type { components, paths } from './generated/openapi';

export type PlazaSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type AuthResult = components['schemas']['AuthAuthResultDto'];
export type LoginBody = components['schemas']['AuthLoginDto'];
export type RegisterBody = components['schemas']['AuthRegisterDto'];

/** Every durable event (the ones with an `eventId`); the compiler refuses a list that misses one. */
const DURABLE: Record<DurableEventName, true> = {
  'message:new': true,
  'message:read': true,
  'feed:post': true,
  'feed:post-deleted': true,
  notification: true,
  'session:revoked': true,
};
export const DURABLE_EVENTS = Object.keys(DURABLE) as DurableEventName[];

export interface PlazaClientOptions {
  /** The gateway, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** Where the last handled `eventId` comes from at start (e.g. sessionStorage); default none. */
  lastEventId?: string;
  /** Called with every new `eventId`, to persist it. */
  onEventId?: (eventId: string) => void;
  fetch?: typeof globalThis.fetch;
}

/**
 * A typed Plaza client: REST through `openapi-fetch` typed by the generated OpenAPI types (the
 * access token added to every call), and a socket.io connection that reconnects with replay — `auth` is a callback, so every (re)connection attempt sends the
 * current token and the last `eventId` seen, and the server replays what was missed.
 */
export class PlazaClient {
  readonly rest: Client<paths>;
  private tokens?: { accessToken: string; refreshToken: string };
  private last?: string;
  private socket?: PlazaSocket;

  constructor(private readonly options: PlazaClientOptions) {
    this.last = options.lastEventId;
    this.rest = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
    this.rest.use(this.authMiddleware());
  }

  /** The last durable event handled: send it on reconnect (done for you by `connect`). */
  get lastEventId(): string | undefined {
    return this.last;
  }

  get accessToken(): string | undefined {
    return this.tokens?.accessToken;
  }

  get user(): AuthResult['user'] | undefined {
    return this.signedIn?.user;
  }

  private signedIn?: AuthResult;

  async register(body: RegisterBody): Promise<AuthResult> {
    const { data, error } = await this.rest.POST('/api/auth/register', { body });
    if (!data) throw new PlazaError(error);
    return this.remember(data);
  }

  async signIn(body: LoginBody): Promise<AuthResult> {
    const { data, error } = await this.rest.POST('/api/auth/login', { body });
    if (!data) throw new PlazaError(error);
    return this.remember(data);
  }

  /** Spends the refresh token for new tokens (each refresh token works once). */
  async refresh(): Promise<AuthResult> {
    if (!this.tokens) throw new Error('not signed in');
    const { data, error } = await this.rest.POST('/api/auth/refresh', {
      body: { refreshToken: this.tokens.refreshToken },
    });
    if (!data) throw new PlazaError(error);
    return this.remember(data);
  }

  /**
   * Opens (or returns) the socket. Durable events update `lastEventId` before your handlers run;
   * `sync:required` means the log no longer reaches back that far: refetch over REST.
   */
  connect(options: Partial<ManagerOptions & SocketOptions> = {}): PlazaSocket {
    if (this.socket) return this.socket;
    const socket: PlazaSocket = io(this.options.baseUrl, {
      transports: ['websocket'],
      ...options,
      auth: (send) => send({ token: this.tokens?.accessToken, ...(this.last ? { lastEventId: this.last } : {}) }),
    });
    socket.onAny((event: string, payload?: { eventId?: unknown }) => {
      if (event in DURABLE && typeof payload?.eventId === 'string') {
        this.last = payload.eventId;
        this.options.onEventId?.(payload.eventId);
      }
    });
    socket.on('connect_error', (err) => {
      // An expired access token: refresh, and let socket.io retry with the new one.
      if (err.message === 'unauthorized' && this.tokens) {
        this.refresh().then(
          () => socket.connect(),
          () => undefined,
        );
      }
    });
    this.socket = socket;
    return socket;
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = undefined;
  }

  private remember(result: AuthResult): AuthResult {
    this.signedIn = result;
    this.tokens = { accessToken: result.accessToken, refreshToken: result.refreshToken };
    return result;
  }

  private authMiddleware(): Middleware {
    return {
      onRequest: ({ request }) => {
        if (this.tokens && !request.headers.has('authorization'))
          request.headers.set('authorization', `Bearer ${this.tokens.accessToken}`);
        return request;
      },
    };
  }
}

/** A REST error answer: the contract's `{ statusCode, error, message, code? }`. */
export class PlazaError extends Error {
  readonly statusCode?: number;
  readonly code?: string;

  constructor(readonly body: components['schemas']['ErrorBody'] | undefined) {
    const message = body?.message;
    super(Array.isArray(message) ? message.join('; ') : (message ?? 'request failed'));
    this.statusCode = body?.statusCode;
    this.code = body?.code;
  }
}
