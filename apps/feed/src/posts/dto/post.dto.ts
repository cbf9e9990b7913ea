import { ApiProperty } from '@nestjs/swagger';

export class AuthorDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  handle: string;

  @ApiProperty()
  displayName: string;
}

export class PostDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: AuthorDto })
  author: AuthorDto;

  @ApiProperty()
  text: string;

  @ApiProperty({ enum: ['public', 'connections'] })
  visibility: 'public' | 'connections';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty()
  commentCount: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { like: 3, celebrate: 1 },
    description: 'Reactions per type (types with none are absent)',
  })
  reactionCounts: Record<string, number>;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['like', 'celebrate', 'support', 'insightful'],
    description: "The caller's own reaction",
  })
  viewerReaction: string | null;
}

export class PostPageDto {
  @ApiProperty({ type: [PostDto] })
  items: PostDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
