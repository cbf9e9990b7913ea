import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@plaza/database';
import { audienceOf, blockedEitherWay, connected } from './visibility.sql';

export type EdgeTable = 'follows' | 'connections' | 'blocks';

const EDGE_COLUMNS: Record<EdgeTable, [string, string]> = {
  follows: ['follower_id', 'followee_id'],
  connections: ['user_id', 'other_id'],
  blocks: ['blocker_id', 'blocked_id'],
};

/**
 * The feed's read model of the social graph, written only by the profiles event handlers.
 * Every write is an upsert guarded by the event time, so replays and late duplicates are no-ops.
 */
@Injectable()
export class GraphRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** True when the edge changed state (a new follow, a removal of an active one). */
  async setEdge(
    manager: EntityManager,
    table: EdgeTable,
    from: string,
    to: string,
    active: boolean,
    at: string,
  ): Promise<boolean> {
    const [a, b] = EDGE_COLUMNS[table];
    const rows = rowsOf<{ was: boolean | null }>(
      await manager.query(
        `WITH prev AS (SELECT active FROM feed.${table} WHERE ${a} = $1 AND ${b} = $2)
         INSERT INTO feed.${table} AS e (${a}, ${b}, active, changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (${a}, ${b}) DO UPDATE SET active = EXCLUDED.active, changed_at = EXCLUDED.changed_at
           WHERE e.changed_at <= EXCLUDED.changed_at
         RETURNING (SELECT active FROM prev) AS was`,
        [from, to, active, at],
      ),
    );
    if (!rows.length) return false;
    return (rows[0].was ?? false) !== active;
  }

  /** Recounted rather than incremented, so that a replayed event cannot skew it. */
  async refreshFollowerCount(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(
      `INSERT INTO feed.users AS u (id, follower_count) VALUES ($1, (SELECT count(*) FROM ${audienceOf('$1::uuid')} a))
       ON CONFLICT (id) DO UPDATE SET follower_count = EXCLUDED.follower_count`,
      [userId],
    );
  }

  async followerCount(manager: EntityManager, userId: string): Promise<number> {
    const rows = await manager.query<Array<{ follower_count: number }>>(
      `SELECT follower_count FROM feed.users WHERE id = $1`,
      [userId],
    );
    return rows[0]?.follower_count ?? 0;
  }

  /**
   * Who may receive a post of `authorId` in their timeline: followers and connections, never
   * anyone blocked either way, and only connections for a `connections` post.
   */
  async audienceFor(manager: EntityManager | undefined, authorId: string, visibility: string): Promise<string[]> {
    const m = manager ?? this.dataSource.manager;
    const rows = await m.query<Array<{ user_id: string }>>(
      `SELECT a.user_id FROM ${audienceOf('$1::uuid')} a
       WHERE a.user_id <> $1 AND ($2 = 'public' OR ${connected('a.user_id', '$1::uuid')}) AND NOT ${blockedEitherWay('a.user_id', '$1::uuid')}`,
      [authorId, visibility],
    );
    return rows.map((r) => r.user_id);
  }

  /** Still a source of `viewerId`'s timeline (follow or connection)? */
  async isSource(manager: EntityManager, viewerId: string, authorId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM feed.follows WHERE active AND follower_id = $1 AND followee_id = $2
       UNION ALL SELECT 1 FROM feed.connections WHERE active AND user_id = $1 AND other_id = $2 LIMIT 1`,
      [viewerId, authorId],
    );
    return rows.length > 0;
  }

  /** An active connection between the two (either row: they are written in pairs)? */
  async isConnected(manager: EntityManager, a: string, b: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM feed.connections WHERE active AND user_id = $1 AND other_id = $2`,
      [a, b],
    );
    return rows.length > 0;
  }

  async isBlockedEitherWay(manager: EntityManager | undefined, a: string, b: string): Promise<boolean> {
    const m = manager ?? this.dataSource.manager;
    const rows = await m.query<Array<{ blocked: boolean }>>(
      `SELECT ${blockedEitherWay('$1::uuid', '$2::uuid')} AS blocked`,
      [a, b],
    );
    return rows[0].blocked;
  }
}
