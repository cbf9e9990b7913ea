import type { SendCommand } from '@plaza/realtime';
import { IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { SendMessageDto } from '../messages/dto/send-message.dto';

/** One forwarded `message:send`: the REST body's rules plus who sends it and where. */
export class SendCommandDto extends SendMessageDto implements SendCommand {
  @IsUUID()
  userId: string;

  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Length(1, 200)
  sessionId: string | null;

  @IsUUID()
  conversationId: string;
}
