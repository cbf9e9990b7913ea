import { ApiProperty } from '@nestjs/swagger';
import { MessageBodyFields } from '@plaza/realtime';

export const MESSAGE_MAX_LENGTH = 4000;

/** Validated by the shared socket-command schema (`@plaza/realtime`); documented here. */
export class SendMessageDto extends MessageBodyFields {
  @ApiProperty({
    minLength: 1,
    maxLength: MESSAGE_MAX_LENGTH,
    description:
      'Stored NFC-normalised, not trimmed; 1-4000 user-perceived characters, at least one visible (not only whitespace, zero-width or blank characters); no NUL characters',
  })
  declare text: string;

  @ApiProperty({
    minLength: 1,
    maxLength: 64,
    pattern: '^[\\x21-\\x7E]{1,64}$',
    description:
      'Chosen by the client (a UUID, say); a retry with the same value returns the stored message instead of storing a second one',
  })
  declare clientMsgId: string;
}
