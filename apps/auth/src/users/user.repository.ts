import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UserEntity } from './user.entity';

@Injectable()
export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(UserEntity);
  }

  findById(manager: EntityManager | undefined, id: string): Promise<UserEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** Locks the row for the rest of the transaction, so concurrent admin changes serialize. */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return this.repo(manager).createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id }).getOne();
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo().findOneBy({ email });
  }

  async insert(manager: EntityManager | undefined, user: UserEntity): Promise<void> {
    await this.repo(manager).insert(user);
  }

  /** Inserts unless a user with this id exists already; true when inserted. */
  async insertIfAbsent(manager: EntityManager | undefined, user: UserEntity): Promise<boolean> {
    const result = await this.repo(manager).createQueryBuilder().insert().values(user).orIgnore().execute();
    return (result.raw as unknown[]).length > 0;
  }

  async update(
    manager: EntityManager | undefined,
    id: string,
    changes: Partial<Pick<UserEntity, 'roles' | 'suspended' | 'emailVerified' | 'passwordHash'>>,
  ): Promise<void> {
    await this.repo(manager).update({ id }, { ...changes, updatedAt: new Date() });
  }

  /** Users by id order, for the directory rebuild. */
  async directoryPage(
    after: string | null,
    limit: number,
  ): Promise<Array<{ id: string; handle: string; displayName: string }>> {
    return this.dataSource.query(
      `SELECT id, handle, display_name AS "displayName" FROM auth.users ${after ? 'WHERE id > $2' : ''} ORDER BY id LIMIT $1`,
      after ? [limit, after] : [limit],
    );
  }

  /** The display name profiles owns, copied; the changed user, or null. */
  async rename(manager: EntityManager, id: string, displayName: string): Promise<{ handle: string } | null> {
    const result = await manager.query<[Array<{ handle: string }>, number]>(
      `UPDATE auth.users SET display_name = $2, updated_at = now()
       WHERE id = $1 AND display_name IS DISTINCT FROM $2 RETURNING handle`,
      [id, displayName],
    );
    // UPDATE ... RETURNING comes back from TypeORM's postgres driver as [rows, affected].
    return result[0]?.[0] ?? null;
  }

  /** Up to `count` users, newest first; `q` matches email, handle or display name (case-insensitive substring). */
  async search(
    q: string | undefined,
    count: number,
    after: { createdAt: string; id: string } | null,
  ): Promise<UserEntity[]> {
    const qb = this.repo().createQueryBuilder('u');
    if (q) {
      const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(u.email LIKE :p OR u.handle LIKE :p OR lower(u.display_name) LIKE :p)', { p: pattern });
    }
    if (after) qb.andWhere('(u.created_at, u.id) < (:createdAt, :id)', after);
    return qb.orderBy('u.created_at', 'DESC').addOrderBy('u.id', 'DESC').take(count).getMany();
  }
}
