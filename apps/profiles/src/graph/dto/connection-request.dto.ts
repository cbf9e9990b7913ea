import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '@plaza/platform';

export const REQUEST_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn', 'cancelled'] as const;

export class CreateConnectionRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The user to connect with' })
  @IsUUID()
  userId: string;
}

export class UserSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  handle: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty()
  headline: string;
}

export class ConnectionRequestDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  fromUserId: string;

  @ApiProperty({ format: 'uuid' })
  toUserId: string;

  @ApiProperty({ enum: REQUEST_STATUSES })
  status: (typeof REQUEST_STATUSES)[number];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({
    type: UserSummaryDto,
    description: 'In lists: the other party (sender for incoming, recipient for outgoing)',
  })
  user?: UserSummaryDto;
}

export class ConnectionRequestPageDto {
  @ApiProperty({ type: [ConnectionRequestDto] })
  items: ConnectionRequestDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class ListConnectionRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['incoming', 'outgoing'], default: 'incoming' })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'])
  direction: 'incoming' | 'outgoing' = 'incoming';
}
