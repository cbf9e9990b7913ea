import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { EXACT_TIME } from './connection-requests.repository';

export interface ConnectionListItem {
  peerId: string;
  /** Microsecond-exact, for the keyset cursor. */
  createdAt: string;
}

export interface SuggestionRow {
  userId: string;
  /** 0: second-degree connection; 1: follows the user without being connected. */
  tier: number;
  mutual: number;
}

@Injectable()
export class ConnectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async areConnected(manager: EntityManager, a: string, b: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM profiles.connections WHERE user_id = $1 AND peer_id = $2`,
      [a, b],
    );
    return rows.length > 0;
  }

  async insertPair(manager: EntityManager, a: string, b: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO profiles.connections (user_id, peer_id) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING RETURNING user_id`,
      [a, b],
    );
    return rows.length === 2;
  }

  /** True when a connection existed and is gone. */
  async deletePair(manager: EntityManager, a: string, b: string): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(
      `DELETE FROM profiles.connections WHERE (user_id = $1 AND peer_id = $2) OR (user_id = $2 AND peer_id = $1)`,
      [a, b],
    );
    return affected > 0;
  }

  /** The user's connections, most recent first, leaving out anyone with a block either way. */
  async list(
    userId: string,
    after: { createdAt: string; peerId: string } | null,
    limit: number,
  ): Promise<ConnectionListItem[]> {
    const params: unknown[] = [userId, limit];
    let keyset = '';
    if (after) {
      params.push(after.createdAt, after.peerId);
      keyset = `AND (c.created_at, c.peer_id) < ($3::timestamp AT TIME ZONE 'UTC', $4::uuid)`;
    }
    // Blocks delete connections; the filter only guards against a read racing a block.
    const rows = await this.dataSource.query<Array<{ peer_id: string; created_at: string }>>(
      `SELECT c.peer_id, ${EXACT_TIME('c.created_at')} AS created_at FROM profiles.connections c
       WHERE c.user_id = $1 ${keyset}
         AND NOT EXISTS (SELECT 1 FROM profiles.blocks b
           WHERE (b.blocker_id = c.peer_id AND b.blocked_id = $1) OR (b.blocker_id = $1 AND b.blocked_id = c.peer_id))
       ORDER BY c.created_at DESC, c.peer_id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ peerId: r.peer_id, createdAt: r.created_at }));
  }

  /**
   * People the user may know: second-degree connections ranked by mutual connections, then
   * people who follow the user; never the user, a connection, someone with a pending request
   * either way, or a block either way. Keyset over (tier, -mutual, user id).
   */
  async suggestions(userId: string, after: SuggestionRow | null, limit: number): Promise<SuggestionRow[]> {
    const params: unknown[] = [userId, limit];
    let keyset = '';
    if (after) {
      params.push(after.tier, after.mutual, after.userId);
      keyset = `WHERE (s.tier, -s.mutual, s.user_id) > ($3::int, -$4::int, $5::uuid)`;
    }
    const rows = await this.dataSource.query<Array<{ user_id: string; tier: number; mutual: number }>>(
      `WITH second AS (
         SELECT c2.peer_id AS user_id, count(*)::int AS mutual
         FROM profiles.connections c1
         JOIN profiles.connections c2 ON c2.user_id = c1.peer_id
         WHERE c1.user_id = $1 AND c2.peer_id <> $1
         GROUP BY c2.peer_id
       ),
       followers AS (
         SELECT f.follower_id AS user_id, 0 AS mutual FROM profiles.follows f
         WHERE f.followee_id = $1 AND f.follower_id NOT IN (SELECT user_id FROM second)
       ),
       candidates AS (
         SELECT user_id, 0 AS tier, mutual FROM second
         UNION ALL
         SELECT user_id, 1 AS tier, mutual FROM followers
       )
       SELECT s.user_id, s.tier, s.mutual FROM (
         SELECT c.* FROM candidates c
         WHERE NOT EXISTS (SELECT 1 FROM profiles.connections x WHERE x.user_id = $1 AND x.peer_id = c.user_id)
           AND NOT EXISTS (SELECT 1 FROM profiles.connection_requests r
             WHERE LEAST(r.from_user_id, r.to_user_id) = LEAST($1::uuid, c.user_id)
               AND GREATEST(r.from_user_id, r.to_user_id) = GREATEST($1::uuid, c.user_id) AND r.status = 'pending')
           AND NOT EXISTS (SELECT 1 FROM profiles.blocks b
             WHERE (b.blocker_id = $1 AND b.blocked_id = c.user_id) OR (b.blocker_id = c.user_id AND b.blocked_id = $1))
       ) s ${keyset}
       ORDER BY s.tier, s.mutual DESC, s.user_id LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ userId: r.user_id, tier: r.tier, mutual: r.mutual }));
  }
}
