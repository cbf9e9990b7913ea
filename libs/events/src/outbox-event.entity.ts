import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event written in the same transaction as the change that caused it; the relay moves it
 * to the app's stream and deletes it. The table lives in the app's own schema.
 */
@Entity({ name: 'outbox_events' })
export class OutboxEventEntity {
  /** Relay order; bigint comes back from pg as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'uuid', unique: true })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'jsonb' })
  payload: unknown;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
