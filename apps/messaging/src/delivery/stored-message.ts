import type { MessageDto } from './dto/message.dto';

/** A message as its commit left it: what `MessageDeliveryService.messagesStored` pushes. */
export interface StoredMessage {
  message: MessageDto;
  memberIds: string[];
  /** When the conversation's previous message (seq - 1) was committed at the latest. */
  prevActivityAt: Date;
}
