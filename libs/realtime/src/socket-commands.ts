import { IsPlazaText, TEXT_RULES } from '@plaza/text';
import { IsInt, IsUUID, Matches, Max, Min } from 'class-validator';
import type { ClientToServerEvents } from './realtime-events';

/**
 * The one schema of each client → server socket command. The gateway validates socket payloads
 * with these classes, and messaging's REST DTOs extend the body parts (`MessageBodyFields`,
 * `ReadPositionFields`), so a socket command and its REST twin can never disagree.
 */

export const CLIENT_MSG_ID = /^[\x21-\x7E]{1,64}$/;

/** The body of a message, on `message:send` and `POST /api/conversations/:id/messages`. */
export class MessageBodyFields {
  /** Stored NFC, not trimmed; 1-4000 user-perceived characters with a visible one. */
  @IsPlazaText(TEXT_RULES.message)
  text: string;

  @Matches(CLIENT_MSG_ID, { message: 'clientMsgId must be 1-64 printable ASCII characters without spaces' })
  clientMsgId: string;
}

/** A read position, on `message:read` and `POST /api/conversations/:id/read`. */
export class ReadPositionFields {
  /** 0 (nothing read) or the seq of the newest message read; past the newest counts as the newest. */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seq: number;
}

export class SendMessageCommand extends MessageBodyFields {
  @IsUUID()
  conversationId: string;
}

export class ReadMessageCommand extends ReadPositionFields {
  @IsUUID()
  conversationId: string;
}

export class TypingCommand {
  @IsUUID()
  conversationId: string;
}

/** Every client command's schema; the compiler refuses a command without one. */
export const SOCKET_COMMAND_SCHEMAS: {
  [E in keyof ClientToServerEvents]: new () => Parameters<ClientToServerEvents[E]>[0];
} = {
  'message:send': SendMessageCommand,
  'message:read': ReadMessageCommand,
  'typing:start': TypingCommand,
  'typing:stop': TypingCommand,
};
