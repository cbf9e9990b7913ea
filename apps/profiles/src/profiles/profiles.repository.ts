import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ProfileEntity } from './profile.entity';

export type ProfileRecord = Pick<
  ProfileEntity,
  | 'userId'
  | 'handle'
  | 'displayName'
  | 'headline'
  | 'bio'
  | 'location'
  | 'skills'
  | 'connectionCount'
  | 'followerCount'
  | 'followingCount'
  | 'provisional'
>;

export type ProfileFields = Partial<Pick<ProfileEntity, 'displayName' | 'headline' | 'bio' | 'location' | 'skills'>>;

export interface CounterDelta {
  connections?: number;
  followers?: number;
  following?: number;
}

export const PROFILE_COLUMNS = `p.user_id, p.handle, p.display_name, p.headline, p.bio, p.location, p.skills,
  p.connection_count, p.follower_count, p.following_count, p.provisional`;

interface ProfileRow {
  user_id: string;
  handle: string;
  display_name: string;
  headline: string;
  bio: string;
  location: string;
  skills: string[];
  connection_count: number;
  follower_count: number;
  following_count: number;
  provisional: boolean;
}

export function toProfileRecord(row: ProfileRow): ProfileRecord {
  return {
    userId: row.user_id,
    handle: row.handle,
    displayName: row.display_name,
    headline: row.headline,
    bio: row.bio,
    location: row.location,
    skills: row.skills,
    connectionCount: row.connection_count,
    followerCount: row.follower_count,
    followingCount: row.following_count,
    provisional: row.provisional,
  };
}

const COLUMN_OF: Record<keyof ProfileFields, string> = {
  displayName: 'display_name',
  headline: 'headline',
  bio: 'bio',
  location: 'location',
  skills: 'skills',
};

@Injectable()
export class ProfilesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(manager?: EntityManager): DataSource | EntityManager {
    return manager ?? this.dataSource;
  }

  async findById(manager: EntityManager | undefined, userId: string): Promise<ProfileRecord | null> {
    const rows = await this.q(manager).query<ProfileRow[]>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles.profiles p WHERE p.user_id = $1`,
      [userId],
    );
    return rows[0] ? toProfileRecord(rows[0]) : null;
  }

  async exists(userId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM profiles.profiles WHERE user_id = $1`, [userId]);
    return rows.length > 0;
  }

  async findByHandle(handle: string): Promise<ProfileRecord | null> {
    const rows = await this.dataSource.query<ProfileRow[]>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles.profiles p WHERE p.handle = $1`,
      [handle],
    );
    return rows[0] ? toProfileRecord(rows[0]) : null;
  }

  /** Profiles of `ids`, in the order given (missing ones left out). */
  async findManyByIds(ids: readonly string[]): Promise<ProfileRecord[]> {
    if (!ids.length) return [];
    const rows = await this.dataSource.query<ProfileRow[]>(
      `SELECT ${PROFILE_COLUMNS} FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)
       JOIN profiles.profiles p ON p.user_id = u.id ORDER BY u.n`,
      [ids],
    );
    return rows.map(toProfileRecord);
  }

  /**
   * A placeholder profile for a user seen before (or without) `user.registered`. False when
   * nothing was inserted: the user already has a profile, or the handle is taken.
   */
  async insertProvisional(userId: string, handle: string, displayName: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO profiles.profiles (user_id, handle, display_name, provisional) VALUES ($1, $2, $3, true)
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [userId, handle, displayName],
    );
    return rows.length > 0;
  }

  /**
   * Moves a provisional profile of another user off `handle` (to `u_` + 28 hex digits of its own
   * id) so that the registered owner can take it.
   */
  async renameProvisionalHolder(manager: EntityManager, handle: string, ownerId: string): Promise<void> {
    await manager.query(
      `UPDATE profiles.profiles SET handle = 'u_' || left(replace(user_id::text, '-', ''), 28), updated_at = now()
       WHERE handle = $1 AND user_id <> $2 AND provisional`,
      [handle, ownerId],
    );
  }

  /**
   * The registered identity wins over a provisional placeholder; a profile already complete is
   * left alone (a replayed or late event must not undo later edits). True when it changed.
   */
  async upsertRegistered(
    manager: EntityManager,
    userId: string,
    handle: string,
    displayName: string,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO profiles.profiles AS p (user_id, handle, display_name) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name,
         provisional = false, updated_at = now()
       WHERE p.provisional
       RETURNING user_id`,
      [userId, handle, displayName],
    );
    return rows.length > 0;
  }

  async update(manager: EntityManager, userId: string, fields: ProfileFields): Promise<ProfileRecord | null> {
    const sets: string[] = [];
    const params: unknown[] = [userId];
    for (const [key, column] of Object.entries(COLUMN_OF) as Array<[keyof ProfileFields, string]>) {
      if (fields[key] === undefined) continue;
      params.push(fields[key]);
      sets.push(`${column} = $${params.length}`);
    }
    if (!sets.length) return this.findById(manager, userId);
    const rows = await manager.query<[ProfileRow[], number]>(
      `UPDATE profiles.profiles p SET ${sets.join(', ')}, updated_at = now() WHERE p.user_id = $1 RETURNING ${PROFILE_COLUMNS}`,
      params,
    );
    // UPDATE ... RETURNING comes back from TypeORM's postgres driver as [rows, affected].
    const returned = rows[0];
    return returned[0] ? toProfileRecord(returned[0]) : null;
  }

  /**
   * Locks the profile rows of a pair in user-id order, so every graph change of one pair is
   * serialised and two changes touching the same users never deadlock. Returns the ids found.
   */
  async lockPair(manager: EntityManager, a: string, b: string): Promise<Set<string>> {
    const rows = await manager.query<Array<{ user_id: string }>>(
      `SELECT user_id FROM profiles.profiles WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
      [[a, b]],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  async adjustCounters(manager: EntityManager, userId: string, delta: CounterDelta): Promise<void> {
    await manager.query(
      `UPDATE profiles.profiles SET connection_count = connection_count + $2, follower_count = follower_count + $3,
         following_count = following_count + $4 WHERE user_id = $1`,
      [userId, delta.connections ?? 0, delta.followers ?? 0, delta.following ?? 0],
    );
  }
}
