import { Inject, Injectable } from '@nestjs/common';
import { OutboxService } from '@plaza/events';
import { REDIS, type Redis } from '@plaza/redis';
import { CURSOR_UUID, decodeCursor, DomainError, encodeCursor, pageOf } from '@plaza/platform';
import {
  normalizeRoles,
  permissionsFor,
  type Principal,
  type Role,
  SessionStore,
  SocketRevoker,
  suspendedKey,
} from '@plaza/identity';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { UserEntity } from '../users/user.entity';
import { UserRepository } from '../users/user.repository';
import { adminUserView } from '../users/user.view';
import type { AdminUserDto, AdminUserListDto } from './dto/admin-user.dto';

/** `Date.toISOString()`, what the users cursor carries. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Who made a change: a signed-in admin, or the operator's CLI (no actor). */
export interface Actor {
  principal: Principal | null;
  ip: string | null;
}

const notFound = () => new DomainError('not_found', 'User not found');

@Injectable()
export class AdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly sessions: SessionStore,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly outbox: OutboxService,
    private readonly revoker: SocketRevoker,
  ) {}

  async listUsers(q: string | undefined, limit: number, cursor?: string): Promise<AdminUserListDto> {
    const after = decodeCursor<{ createdAt: string; id: string }>(cursor, { createdAt: ISO_TIME, id: CURSOR_UUID });
    const rows = await this.users.search(q, limit + 1, after);
    const page = pageOf(rows, limit, (last) => encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }));
    return { items: page.items.map(adminUserView), nextCursor: page.nextCursor };
  }

  /**
   * Replaces a user's roles (`user` always kept), audits the change in the same transaction, then
   * rewrites the roles in every live session so the next request sees them. The session rewrite
   * runs even when nothing changed in the database, so retrying after a Redis hiccup repairs it.
   */
  async setRoles(actor: Actor, userId: string, requested: readonly Role[]): Promise<AdminUserDto> {
    const roles = normalizeRoles(requested);
    const user = await this.dataSource.transaction(async (manager) => {
      const current = await this.users.findByIdForUpdate(manager, userId);
      if (!current) throw notFound();
      // The identity provider's roles claim decides on every request: a change here would do nothing.
      if (current.oidcIssuer) {
        throw new DomainError('conflict', "This user's roles come from the identity provider: change them there", {
          reason: 'roles_managed_by_identity_provider',
        });
      }
      if (actor.principal?.userId === userId && current.roles.includes('admin') && !roles.includes('admin')) {
        throw new DomainError('conflict', 'Admins cannot remove their own admin role', {
          reason: 'cannot_remove_own_admin',
        });
      }
      const before = normalizeRoles(current.roles);
      if (before.join() !== roles.join()) {
        await this.users.update(manager, userId, { roles });
        await this.audit.record(manager, {
          actorId: actor.principal?.userId ?? null,
          action: 'user.roles_changed',
          targetId: userId,
          before: { roles: before },
          after: { roles },
          ip: actor.ip,
        });
      }
      return { ...current, roles };
    });
    await this.sessions.updateRolesForUser(userId, roles, permissionsFor(roles));
    return adminUserView(user);
  }

  async grantRoleByEmail(email: string, role: Role): Promise<AdminUserDto> {
    const user = await this.users.findByEmail(email.trim().toLowerCase());
    if (!user) throw notFound();
    return this.setRoles({ principal: null, ip: null }, user.id, [...(user.roles as Role[]), role]);
  }

  /** Suspends, revokes every session (disconnecting sockets) and refuses the user's OIDC tokens. */
  async setSuspended(actor: Actor, userId: string, suspended: boolean): Promise<AdminUserDto> {
    const user = await this.dataSource.transaction(async (manager) => {
      const current = await this.users.findByIdForUpdate(manager, userId);
      if (!current) throw notFound();
      if (suspended && actor.principal?.userId === userId) {
        throw new DomainError('conflict', 'You cannot suspend yourself', { reason: 'cannot_suspend_self' });
      }
      // A moderator must not be able to lock admins out.
      if (current.roles.includes('admin') && actor.principal && !actor.principal.permissions.includes('roles:manage')) {
        throw new DomainError('forbidden', 'Only admins can suspend or unsuspend an admin');
      }
      if (current.suspended !== suspended) {
        await this.users.update(manager, userId, { suspended });
        await this.audit.record(manager, {
          actorId: actor.principal?.userId ?? null,
          action: suspended ? 'user.suspended' : 'user.unsuspended',
          targetId: userId,
          before: { suspended: current.suspended },
          after: { suspended },
          ip: actor.ip,
        });
        await this.outbox.publish(manager, suspended ? 'user.suspended' : 'user.unsuspended', { userId });
      }
      return { ...current, suspended } satisfies UserEntity;
    });
    if (suspended) {
      await this.redis.set(suspendedKey(userId), '1');
      await this.sessions.revokeAllForUser(userId);
      // OIDC users have no session: their sockets are ended here (their tokens are refused already).
      this.revoker.disconnectUser(userId);
    } else {
      await this.redis.del(suspendedKey(userId));
    }
    return adminUserView(user);
  }
}
