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

  /** Up to `count` entries, newest first, keyset-paginated on the insertion sequence. */
  async list(count: number, beforeSeq: string | null): Promise<AuditEntryEntity[]> {
    const qb = this.repo().createQueryBuilder('a');
    if (beforeSeq) qb.where('a.seq < :seq', { seq: beforeSeq });
    return qb.orderBy('a.seq', 'DESC').take(count).getMany();
  }
}
