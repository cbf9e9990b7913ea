import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Append-only: the database refuses UPDATE, DELETE and TRUNCATE on this table (see the migration). */
@Entity({ schema: 'auth', name: 'audit_log' })
export class AuditEntryEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Insertion order; the list is paginated on it (timestamps can tie). */
  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  /** Null when the change came from the CLI or the ADMIN_EMAILS bootstrap. */
  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('text')
  action: string;

  @Column('text', { name: 'target_id', nullable: true })
  targetId: string | null;

  @Column('jsonb', { nullable: true })
  before: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  after: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  ip: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', insert: false, update: false })
  createdAt: Date;
}
