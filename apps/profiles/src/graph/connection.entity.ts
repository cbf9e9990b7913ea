import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per side of a connection, so both members read their list from one index. */
@Entity({ name: 'connections' })
export class ConnectionEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ name: 'peer_id', type: 'uuid' })
  peerId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
