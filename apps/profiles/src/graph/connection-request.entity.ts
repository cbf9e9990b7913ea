import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type ConnectionRequestStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn' | 'cancelled';

/** A request stays as history once answered; only `pending` ones count (one per pair). */
@Entity({ name: 'connection_requests' })
export class ConnectionRequestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'from_user_id', type: 'uuid' })
  fromUserId: string;

  @Column({ name: 'to_user_id', type: 'uuid' })
  toUserId: string;

  @Column({ type: 'text' })
  status: ConnectionRequestStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'responded_at', type: 'timestamptz', nullable: true })
  respondedAt: Date | null;
}
