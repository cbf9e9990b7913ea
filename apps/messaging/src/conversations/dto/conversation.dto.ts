import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../delivery/dto/message.dto';

export class ConversationMemberDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null only while the user is not yet known to messaging (moments after registration)',
  })
  handle: string | null;

  @ApiProperty({ type: String, nullable: true })
  displayName: string | null;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['direct', 'group'] })
  type: 'direct' | 'group';

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Groups only; null for direct conversations and untitled groups',
  })
  title: string | null;

  @ApiProperty({ type: [ConversationMemberDto], description: 'Current members, the caller included' })
  members: ConversationMemberDto[];

  @ApiProperty({ type: MessageDto, nullable: true })
  lastMessage: MessageDto | null;

  @ApiProperty({ description: "Messages of others after the caller's read position" })
  unreadCount: number;

  @ApiProperty({ description: "The caller's read position (seq of the newest message they marked read; 0 for none)" })
  lastReadSeq: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Time of the newest message (or of the creation); the list is ordered by it',
  })
  lastActivityAt: string;
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationDto], description: 'Most recent activity first' })
  items: ConversationDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
