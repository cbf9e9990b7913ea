import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';

export const MESSAGE_MAX_LENGTH = 4000;

export class SendMessageDto {
  @ApiProperty({
    minLength: 1,
    maxLength: MESSAGE_MAX_LENGTH,
    description: 'Stored as sent (not trimmed), but must contain a non-whitespace character; no NUL characters',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MESSAGE_MAX_LENGTH)
  @Matches(/\S/, { message: 'text must contain a non-whitespace character' })
  // PostgreSQL text cannot hold U+0000: refuse it here rather than fail at insert.
  @ValidateBy({
    name: 'noNulCharacter',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !value.includes('\u0000'),
      defaultMessage: () => 'text must not contain NUL characters',
    },
  })
  text: string;

  @ApiProperty({
    minLength: 1,
    maxLength: 64,
    pattern: '^[\\x21-\\x7E]{1,64}$',
    description:
      'Chosen by the client (a UUID, say); a retry with the same value returns the stored message instead of storing a second one',
  })
  @IsString()
  @Matches(/^[\x21-\x7E]{1,64}$/, { message: 'clientMsgId must be 1-64 printable ASCII characters without spaces' })
  clientMsgId: string;
}
