import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Handles and display names, from `user.registered` and `profile.updated`, for author and actor cards. */
@Injectable()
export class UsersRepository {
  /** Applies the newest card only: an older event arriving late leaves the row as it is. */
  async upsertCard(manager: EntityManager, id: string, handle: string, displayName: string, at: string): Promise<void> {
    await manager.query(
      `INSERT INTO feed.users AS u (id, handle, display_name, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name, changed_at = EXCLUDED.changed_at
         WHERE u.changed_at <= EXCLUDED.changed_at`,
      [id, handle, displayName, at],
    );
  }
}
