import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, pageOf } from '@plaza/platform';
import { AuditRepository } from './audit.repository';
import type { AuditEntryEntity } from './audit-entry.entity';

export type AuditAction =
  'user.roles_changed' | 'user.suspended' | 'user.unsuspended' | 'post.deleted' | 'comment.deleted';

export interface AuditInput {
  actorId: string | null;
  action: AuditAction;
  targetId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
}

export interface AuditEntryView {
  id: string;
  actorId: string | null;
  action: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  createdAt: string;
}

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** Pass the manager of the transaction that makes the change, so both commit or neither. */
  record(manager: EntityManager | undefined, input: AuditInput): Promise<void> {
    return this.audit.append(manager, {
      id: randomUUID(),
      actorId: input.actorId,
      action: input.action,
      targetId: input.targetId,
      before: input.before ?? null,
      after: input.after ?? null,
      ip: input.ip ?? null,
    });
  }

  async list(limit: number, cursor?: string): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    const after = decodeCursor<{ seq: string }>(cursor, { seq: /^\d{1,19}$/ });
    const rows = await this.audit.list(limit + 1, after?.seq ?? null);
    const page = pageOf(rows, limit, (last) => encodeCursor({ seq: last.seq }));
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }
}

function toView(e: AuditEntryEntity): AuditEntryView {
  return {
    id: e.id,
    actorId: e.actorId,
    action: e.action,
    targetId: e.targetId,
    before: e.before,
    after: e.after,
    ip: e.ip,
    createdAt: e.createdAt.toISOString(),
  };
}
