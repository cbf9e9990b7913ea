import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export type TestSocket = Socket;

/**
 * Connects like a mobile client (websocket only, token in `auth`) and resolves once connected;
 * rejects with the `connect_error` message (e.g. `unauthorized`).
 */
export async function connectSocket(
  url: string,
  auth: Record<string, unknown>,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<Socket> {
  const socket = io(url, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    ...options,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Like connectSocket, but records every event from the first packet on (replays arrive right after connect). */
export async function connectRecording(
  url: string,
  auth: Record<string, unknown>,
): Promise<{ socket: Socket; log: ReturnType<typeof recordEvents> }> {
  const socket = io(url, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    autoConnect: false,
  });
  const log = recordEvents(socket);
  socket.connect();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, log };
}

/** The handshake error message, or 'connected' when it went through. */
export async function handshakeOutcome(
  url: string,
  auth: Record<string, unknown>,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<string> {
  try {
    const socket = await connectSocket(url, auth, options);
    socket.close();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

/** Records every event a socket receives, in order, for later assertions. */
export function recordEvents(socket: Socket): {
  events: { name: string; payload: any }[];
  of: (name: string) => any[];
} {
  const events: { name: string; payload: any }[] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
  return { events, of: (name) => events.filter((e) => e.name === name).map((e) => e.payload) };
}

export function nextEvent<T = any>(socket: Socket, name: string, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, handler);
      reject(new Error(`no ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(name, handler);
  });
}

/** Emits with an ack and resolves with the ack payload. */
export function emitAck<T = any>(socket: Socket, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}
