import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsUUID } from 'class-validator';
import { AuthorDto } from '../../posts/dto/post.dto';

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    enum: ['connection.requested', 'connection.accepted', 'follow.created', 'post.commented', 'post.reacted'],
  })
  type: string;

  @ApiProperty({ type: AuthorDto, nullable: true, description: 'Who caused it' })
  actor: AuthorDto | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The connection request id (connection.*), the follower id (follow.created) or the post id (post.*)',
  })
  subjectId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty()
  read: boolean;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto], description: 'Newest first' })
  items: NotificationDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;

  @ApiProperty({ description: 'Unread notifications in all pages' })
  unreadCount: number;
}

export class MarkReadDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: 500,
    description: 'Omit to mark every notification read',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ids?: string[];
}
