import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PairState } from '@plaza/realtime';

type Pair = [string, string];

/** Reads of the graph tables for the safety graph (see SafetyGraphSync). */
@Injectable()
export class SafetyGraphRepository {
  /** A pair's relations as committed; call with the pair locked. */
  async pairState(manager: EntityManager, a: string, b: string): Promise<PairState> {
    const rows = await manager.query<Array<{ blocked: boolean; connected: boolean; ab: boolean; ba: boolean }>>(
      `SELECT
         EXISTS (SELECT 1 FROM profiles.blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1)) AS blocked,
         EXISTS (SELECT 1 FROM profiles.connections WHERE user_id = $1 AND peer_id = $2) AS connected,
         EXISTS (SELECT 1 FROM profiles.follows WHERE follower_id = $1 AND followee_id = $2) AS ab,
         EXISTS (SELECT 1 FROM profiles.follows WHERE follower_id = $2 AND followee_id = $1) AS ba`,
      [a, b],
    );
    const r = rows[0];
    return { blocked: r.blocked, connected: r.connected, aFollowsB: r.ab, bFollowsA: r.ba };
  }

  /** Every edge, with writers held off (SHARE locks) until the caller's transaction ends. */
  async allEdgesLocked(manager: EntityManager): Promise<{ blocks: Pair[]; connections: Pair[]; follows: Pair[] }> {
    await manager.query(`LOCK TABLE profiles.blocks, profiles.connections, profiles.follows IN SHARE MODE`);
    const pairs = async (sql: string) =>
      (await manager.query<Array<{ a: string; b: string }>>(sql)).map((r): Pair => [r.a, r.b]);
    return {
      blocks: await pairs(`SELECT blocker_id AS a, blocked_id AS b FROM profiles.blocks`),
      connections: await pairs(`SELECT user_id AS a, peer_id AS b FROM profiles.connections`),
      follows: await pairs(`SELECT follower_id AS a, followee_id AS b FROM profiles.follows`),
    };
  }
}
