import { ApiProperty } from '@nestjs/swagger';

export class SessionItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'True for the session of the token making this request' }) current: boolean;
  @ApiProperty({ enum: ['local', 'session'] }) persistence: 'local' | 'session';
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionItemDto] }) items: SessionItemDto[];
}
