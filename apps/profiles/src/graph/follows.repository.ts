import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class FollowsRepository {
  /** True when the edge is new. */
  async insert(manager: EntityManager, followerId: string, followeeId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO profiles.follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING follower_id`,
      [followerId, followeeId],
    );
    return rows.length > 0;
  }

  /** True when an edge existed and is gone. */
  async delete(manager: EntityManager, followerId: string, followeeId: string): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(
      `DELETE FROM profiles.follows WHERE follower_id = $1 AND followee_id = $2`,
      [followerId, followeeId],
    );
    return affected > 0;
  }
}
