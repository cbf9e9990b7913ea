import { ApiProperty } from '@nestjs/swagger';

export const CONNECTION_STATES = ['none', 'pending_outgoing', 'pending_incoming', 'connected'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** The caller's relationship to the profile, from the caller's point of view. */
export class RelationshipDto {
  @ApiProperty({ enum: CONNECTION_STATES })
  connection: ConnectionState;

  @ApiProperty({ description: 'The caller follows this user' })
  following: boolean;

  @ApiProperty({ description: 'This user follows the caller' })
  followedBy: boolean;

  @ApiProperty({ description: 'The caller has blocked this user' })
  blocked: boolean;
}

export class ProfileDto {
  @ApiProperty({ format: 'uuid', description: 'The user id' })
  id: string;

  @ApiProperty({ example: 'ada_lovelace', pattern: '^[a-z0-9_]{3,30}$' })
  handle: string;

  @ApiProperty({ minLength: 1, description: '1-80 user-perceived characters (an emoji counts as one)' })
  displayName: string;

  @ApiProperty({ maxLength: 160 })
  headline: string;

  @ApiProperty({ maxLength: 2000 })
  bio: string;

  @ApiProperty({ maxLength: 100 })
  location: string;

  @ApiProperty({ type: [String], maxItems: 50 })
  skills: string[];

  @ApiProperty()
  connectionCount: number;

  @ApiProperty()
  followerCount: number;

  @ApiProperty()
  followingCount: number;

  @ApiProperty({ type: RelationshipDto })
  relationship: RelationshipDto;
}

export class ProfilePageDto {
  @ApiProperty({ type: [ProfileDto] })
  items: ProfileDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
