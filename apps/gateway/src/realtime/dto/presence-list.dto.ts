import { ApiProperty } from '@nestjs/swagger';

export class PresenceItemDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() online: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the user was last online; null while online, for strangers, or when never seen',
  })
  lastSeenAt: string | null;
}

export class PresenceListDto {
  @ApiProperty({ type: [PresenceItemDto], description: 'One item per requested id, in the order asked' })
  items: PresenceItemDto[];
}
