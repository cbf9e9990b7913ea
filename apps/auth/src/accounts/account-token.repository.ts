import { Injectable } from '@nestjs/common';
import { rowsOf } from '@plaza/database';
import { DataSource, type EntityManager } from 'typeorm';

export type TokenPurpose = 'verify_email' | 'reset_password';

export interface SpentToken {
  userId: string;
  email: string;
}

/** Single-use account tokens, stored as SHA-256 hashes only (`auth.account_tokens`). */
@Injectable()
export class AccountTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a new token and spends the user's earlier unused ones of the same purpose. */
  async insert(
    manager: EntityManager,
    row: { hash: Buffer; userId: string; purpose: TokenPurpose; email: string; expiresAt: Date },
  ): Promise<void> {
    await manager.query(
      `UPDATE auth.account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [row.userId, row.purpose],
    );
    await manager.query(
      `INSERT INTO auth.account_tokens (token_hash, user_id, purpose, email, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [row.hash, row.userId, row.purpose, row.email, row.expiresAt],
    );
  }

  /** Spends the token atomically (of two concurrent uses, one wins); null when unknown, used or expired. */
  async spend(manager: EntityManager, hash: Buffer, purpose: TokenPurpose): Promise<SpentToken | null> {
    type Row = { user_id: string; email: string };
    const result = await manager.query<unknown>(
      `UPDATE auth.account_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, email`,
      [hash, purpose],
    );
    const [row] = rowsOf<Row>(result);
    return row ? { userId: row.user_id, email: row.email } : null;
  }

  /** Spends every unused token of the user (after a password change or reset). */
  async spendAll(manager: EntityManager, userId: string, purpose: TokenPurpose): Promise<void> {
    await manager.query(
      `UPDATE auth.account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [userId, purpose],
    );
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
