import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface RelationshipFacts {
  connected: boolean;
  /** Sender of the pending request between viewer and subject, if any. */
  pendingFrom: string | null;
  following: boolean;
  followedBy: boolean;
  blocked: boolean;
  /** The subject blocked the viewer: the subject must stay invisible to them. */
  blockedBy: boolean;
}

/**
 * How each subject relates to a viewer, read from the graph tables: what a profile shows its
 * viewer (`relationship`), and whether it may be shown at all (a block by the subject).
 */
@Injectable()
export class RelationshipsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The viewer's edges to each subject, in one round trip whatever the number of subjects. */
  async factsFor(viewerId: string, subjectIds: readonly string[]): Promise<Map<string, RelationshipFacts>> {
    const facts = new Map<string, RelationshipFacts>();
    if (!subjectIds.length) return facts;
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        connected: boolean;
        pending_from: string | null;
        following: boolean;
        followed_by: boolean;
        blocked: boolean;
        blocked_by: boolean;
      }>
    >(
      `SELECT u.id,
         EXISTS (SELECT 1 FROM profiles.connections c WHERE c.user_id = $1 AND c.peer_id = u.id) AS connected,
         (SELECT r.from_user_id FROM profiles.connection_requests r
           WHERE LEAST(r.from_user_id, r.to_user_id) = LEAST($1::uuid, u.id)
             AND GREATEST(r.from_user_id, r.to_user_id) = GREATEST($1::uuid, u.id) AND r.status = 'pending') AS pending_from,
         EXISTS (SELECT 1 FROM profiles.follows f WHERE f.follower_id = $1 AND f.followee_id = u.id) AS following,
         EXISTS (SELECT 1 FROM profiles.follows f WHERE f.follower_id = u.id AND f.followee_id = $1) AS followed_by,
         EXISTS (SELECT 1 FROM profiles.blocks b WHERE b.blocker_id = $1 AND b.blocked_id = u.id) AS blocked,
         EXISTS (SELECT 1 FROM profiles.blocks b WHERE b.blocker_id = u.id AND b.blocked_id = $1) AS blocked_by
       FROM unnest($2::uuid[]) AS u(id)`,
      [viewerId, subjectIds],
    );
    for (const r of rows) {
      facts.set(r.id, {
        connected: r.connected,
        pendingFrom: r.pending_from,
        following: r.following,
        followedBy: r.followed_by,
        blocked: r.blocked,
        blockedBy: r.blocked_by,
      });
    }
    return facts;
  }
}
