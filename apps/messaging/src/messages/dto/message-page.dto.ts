import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../delivery/dto/message.dto';

/** A page of a conversation's history. */
export class MessagePageDto {
  @ApiProperty({ type: [MessageDto], description: 'Always in increasing seq order' })
  items: MessageDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page in the same direction; null at the end',
  })
  nextCursor: string | null;
}
