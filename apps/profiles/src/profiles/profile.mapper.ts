import type { RelationshipFacts } from './relationships.repository';
import type { ConnectionState, ProfileDto, RelationshipDto } from './dto/profile.dto';
import type { ProfileRecord } from './profiles.repository';

const SELF: RelationshipDto = { connection: 'none', following: false, followedBy: false, blocked: false };

export function toRelationship(
  viewerId: string,
  subjectId: string,
  facts: RelationshipFacts | undefined,
): RelationshipDto {
  if (viewerId === subjectId || !facts) return { ...SELF };
  let connection: ConnectionState = 'none';
  if (facts.connected) connection = 'connected';
  else if (facts.pendingFrom === viewerId) connection = 'pending_outgoing';
  else if (facts.pendingFrom) connection = 'pending_incoming';
  return { connection, following: facts.following, followedBy: facts.followedBy, blocked: facts.blocked };
}

export function toProfileDto(profile: ProfileRecord, relationship: RelationshipDto): ProfileDto {
  return {
    id: profile.userId,
    handle: profile.handle,
    displayName: profile.displayName,
    headline: profile.headline,
    bio: profile.bio,
    location: profile.location,
    skills: profile.skills,
    connectionCount: profile.connectionCount,
    followerCount: profile.followerCount,
    followingCount: profile.followingCount,
    relationship,
  };
}
