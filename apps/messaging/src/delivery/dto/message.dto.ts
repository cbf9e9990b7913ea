import { ApiProperty } from '@nestjs/swagger';
import type { MessagePayload } from '@plaza/realtime';

/** A stored message; the same shape is the `message:new` socket payload and the `message:send` ack. */
export class MessageDto implements MessagePayload {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  conversationId: string;

  @ApiProperty({
    description: 'Starts at 1 in each conversation and increases by exactly 1 per stored message',
    example: 1,
  })
  seq: number;

  @ApiProperty({ format: 'uuid' })
  senderId: string;

  @ApiProperty({ description: 'As sent (not trimmed)', maxLength: 4000 })
  text: string;

  @ApiProperty({ description: "The sender's idempotency key", maxLength: 64 })
  clientMsgId: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
