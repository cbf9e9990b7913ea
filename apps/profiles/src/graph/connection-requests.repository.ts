import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ConnectionRequestEntity, ConnectionRequestStatus } from './connection-request.entity';

export type ConnectionRequestRecord = Pick<
  ConnectionRequestEntity,
  'id' | 'fromUserId' | 'toUserId' | 'status' | 'createdAt'
> & {
  /** created_at with its full microsecond precision, for keyset cursors (a Date keeps only ms). */
  createdAtExact: string;
};

interface RequestRow {
  id: string;
  from_user_id: string;
  to_user_id: string;
  status: ConnectionRequestStatus;
  created_at: Date;
  created_at_exact: string;
}

export const EXACT_TIME = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
const COLUMNS = `r.id, r.from_user_id, r.to_user_id, r.status, r.created_at, ${EXACT_TIME('r.created_at')} AS created_at_exact`;

function toRecord(row: RequestRow): ConnectionRequestRecord {
  return {
    id: row.id,
    fromUserId: row.from_user_id,
    toUserId: row.to_user_id,
    status: row.status,
    createdAt: row.created_at,
    createdAtExact: row.created_at_exact,
  };
}

@Injectable()
export class ConnectionRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(manager: EntityManager | undefined, id: string): Promise<ConnectionRequestRecord | null> {
    const rows = await (manager ?? this.dataSource).query<RequestRow[]>(
      `SELECT ${COLUMNS} FROM profiles.connection_requests r WHERE r.id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The pending request between two users, whichever direction. */
  async findPendingBetween(manager: EntityManager, a: string, b: string): Promise<ConnectionRequestRecord | null> {
    const rows = await manager.query<RequestRow[]>(
      `SELECT ${COLUMNS} FROM profiles.connection_requests r
       WHERE LEAST(r.from_user_id, r.to_user_id) = LEAST($1::uuid, $2::uuid)
         AND GREATEST(r.from_user_id, r.to_user_id) = GREATEST($1::uuid, $2::uuid) AND r.status = 'pending'`,
      [a, b],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async insertPending(
    manager: EntityManager,
    id: string,
    fromUserId: string,
    toUserId: string,
  ): Promise<ConnectionRequestRecord> {
    const rows = await manager.query<RequestRow[]>(
      `INSERT INTO profiles.connection_requests AS r (id, from_user_id, to_user_id, status) VALUES ($1, $2, $3, 'pending')
       RETURNING ${COLUMNS}`,
      [id, fromUserId, toUserId],
    );
    return toRecord(rows[0]);
  }

  /** Answers a pending request; null when it was not pending any more. */
  async resolve(
    manager: EntityManager,
    id: string,
    status: Exclude<ConnectionRequestStatus, 'pending'>,
  ): Promise<ConnectionRequestRecord | null> {
    const [rows] = await manager.query<[RequestRow[], number]>(
      `UPDATE profiles.connection_requests r SET status = $2, responded_at = now() WHERE r.id = $1 AND r.status = 'pending'
       RETURNING ${COLUMNS}`,
      [id, status],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Cancels whatever is pending between two users (a block). */
  async cancelPendingBetween(manager: EntityManager, a: string, b: string): Promise<number> {
    const [, affected] = await manager.query<[unknown[], number]>(
      `UPDATE profiles.connection_requests SET status = 'cancelled', responded_at = now()
       WHERE LEAST(from_user_id, to_user_id) = LEAST($1::uuid, $2::uuid)
         AND GREATEST(from_user_id, to_user_id) = GREATEST($1::uuid, $2::uuid) AND status = 'pending'`,
      [a, b],
    );
    return affected;
  }

  /** Pending requests to (`incoming`) or from (`outgoing`) the user, newest first. */
  async listPending(
    userId: string,
    direction: 'incoming' | 'outgoing',
    after: { createdAt: string; id: string } | null,
    limit: number,
  ): Promise<ConnectionRequestRecord[]> {
    const column = direction === 'incoming' ? 'to_user_id' : 'from_user_id';
    const params: unknown[] = [userId, limit];
    let keyset = '';
    if (after) {
      params.push(after.createdAt, after.id);
      keyset = `AND (r.created_at, r.id) < ($3::timestamp AT TIME ZONE 'UTC', $4::uuid)`;
    }
    const rows = await this.dataSource.query<RequestRow[]>(
      `SELECT ${COLUMNS} FROM profiles.connection_requests r
       WHERE r.${column} = $1 AND r.status = 'pending' ${keyset}
       ORDER BY r.created_at DESC, r.id DESC LIMIT $2`,
      params,
    );
    return rows.map(toRecord);
  }
}
