import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEntryEntity } from './audit-entry.entity';

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(AuditEntryEntity);
  }

  async append(manager: EntityManager | undefined, entry: Omit<AuditEntryEntity, 'seq' | 'createdAt'>): Promise<void> {
    // jsonb columns: TypeORM's deep-partial type cannot express arbitrary JSON objects.
    await this.repo(manager).insert(entry as unknown as QueryDeepPartialEntity<AuditEntryEntity>);
  }

  /** Newest first, keyset-paginated on the insertion sequence. */
  async list(limit: number, beforeSeq: string | null): Promise<{ items: AuditEntryEntity[]; hasMore: boolean }> {
    const qb = this.repo().createQueryBuilder('a');
    if (beforeSeq) qb.where('a.seq < :seq', { seq: beforeSeq });
    const rows = await qb
      .orderBy('a.seq', 'DESC')
      .take(limit + 1)
      .getMany();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }
}
