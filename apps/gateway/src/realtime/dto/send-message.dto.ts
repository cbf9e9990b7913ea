import { IsString, IsUUID, Length } from 'class-validator';

export class SendMessageDto {
  @IsUUID()
  conversationId: string;

  @IsString()
  @Length(1, 4000)
  text: string;

  @IsString()
  @Length(1, 64)
  clientMsgId: string;
}
