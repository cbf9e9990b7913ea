import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MessagePayload } from './realtime-events';

/**
 * The command channel from the gateways to messaging: `message:send` commands of authenticated
 * sockets, many per HTTP request, on a route outside `/api` that no client can reach through the
 * gateway. The socket's own session stands for the caller (the gateway disconnects a revoked
 * session's sockets at once), so messaging checks no token per message; the route itself is
 * closed by a key derived from JWT_SECRET, which every Plaza process holds.
 */
export const COMMAND_CHANNEL_PATH = '/internal/messaging/commands';
export const COMMAND_CHANNEL_HEADER = 'x-plaza-command-key';
/** Upper bound of commands per request (the gateway sends what queued while its requests were in flight). */
export const COMMAND_BATCH_MAX = 256;

/** The value of COMMAND_CHANNEL_HEADER: HMAC-SHA256(JWT_SECRET, purpose), base64url. */
export function commandChannelKey(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('plaza:internal-command-channel:v1').digest('base64url');
}

/** Constant-time comparison of a presented key with the expected one. */
export function isCommandChannelKey(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}

/** One `message:send` of an authenticated socket, as the gateway forwards it. */
export interface SendCommand {
  userId: string;
  /** The socket's session (null for OIDC sockets, which carry none). */
  sessionId: string | null;
  conversationId: string;
  text: string;
  clientMsgId: string;
}

/**
 * The outcome of one command, in the order of the request: `status` is the HTTP status the REST
 * route would have answered (201 stored, 200 already stored under this clientMsgId, 4xx refused,
 * 5xx not stored — retry).
 */
export type CommandOutcome =
  | { status: 200 | 201; message: MessagePayload }
  | { status: number; error: { code?: string; message: string | string[] } };
