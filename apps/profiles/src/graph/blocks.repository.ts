import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

@Injectable()
export class BlocksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isBlocked(manager: EntityManager | undefined, blockerId: string, blockedId: string): Promise<boolean> {
    const rows = await (manager ?? this.dataSource).query<unknown[]>(
      `SELECT 1 FROM profiles.blocks WHERE blocker_id = $1 AND blocked_id = $2`,
      [blockerId, blockedId],
    );
    return rows.length > 0;
  }

  /** True when the block is new. */
  async insert(manager: EntityManager, blockerId: string, blockedId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO profiles.blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING blocker_id`,
      [blockerId, blockedId],
    );
    return rows.length > 0;
  }

  async delete(manager: EntityManager, blockerId: string, blockedId: string): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(
      `DELETE FROM profiles.blocks WHERE blocker_id = $1 AND blocked_id = $2`,
      [blockerId, blockedId],
    );
    return affected > 0;
  }
}
