import type { ClientToServerEvents, ServerToClientEvents } from '@plaza/realtime';
import type { Server, Socket } from 'socket.io';

/** What the handshake establishes for a socket; clients never set any of it. */
export interface SocketData {
  userId: string;
  sessionId: string | null;
  /** The bearer token the handshake was made with; forwarded (or renewed) for commands. */
  token: string;
  tokenExpiresAt: number;
  typingIn: Set<string>;
  /** Set once presence counted this socket, so that only counted sockets are uncounted. */
  presenceCounted: boolean;
  /** Set once the socket holds one of the user's SOCKETS_PER_USER slots. */
  quotaTaken: boolean;
}

export type PlazaSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type PlazaServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
