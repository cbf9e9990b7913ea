import { IsInt, IsUUID, Min } from 'class-validator';

export class ReadMessageDto {
  @IsUUID()
  conversationId: string;

  @IsInt()
  @Min(1)
  seq: number;
}
