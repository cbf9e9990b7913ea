import { OutboxService } from '@plaza/events';
import { type Principal, SessionStore } from '@plaza/identity';
import { newTestService } from '@plaza/testing';
import { AuditService } from '../audit/audit.service';
import type { UserEntity } from '../users/user.entity';
import { UserRepository } from '../users/user.repository';
import { AdminService } from './admin.service';

const ADMIN = '00000000-0000-4000-8000-00000000000a';
const TARGET = '00000000-0000-4000-8000-00000000000b';

function user(id: string, roles: string[], suspended = false): UserEntity {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    id,
    email: `${id.slice(-2)}@example.com`,
    handle: `u${id.slice(-2)}`,
    displayName: 'Someone',
    passwordHash: null,
    emailVerified: true,
    roles,
    suspended,
    oidcIssuer: null,
    oidcSubject: null,
    createdAt: at,
    updatedAt: at,
  };
}

const admin = {
  principal: { userId: ADMIN, permissions: ['roles:manage', 'users:suspend'] } as unknown as Principal,
  ip: '203.0.113.7',
};
const moderator = {
  principal: { userId: ADMIN, permissions: ['users:suspend'] } as unknown as Principal,
  ip: '203.0.113.7',
};

/** Roles and suspension rules (contract: Roles and admin). */
describe('AdminService', () => {
  const setup = (stored: UserEntity | null) => {
    const t = newTestService(AdminService);
    t.mock(UserRepository).findByIdForUpdate.mockResolvedValue(stored);
    return t;
  };

  it('answers 404 for an unknown user and audits nothing', async () => {
    const t = setup(null);
    await expect(t.sut.setRoles(admin, TARGET, ['moderator'])).rejects.toMatchObject({ status: 404 });
    expect(t.mock(AuditService).record).not.toHaveBeenCalled();
  });

  it('refuses an admin removing their own admin role (409 cannot_remove_own_admin)', async () => {
    const t = setup(user(ADMIN, ['user', 'admin']));
    await expect(t.sut.setRoles(admin, ADMIN, ['user'])).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      reason: 'cannot_remove_own_admin',
    });
    expect(t.mock(UserRepository).update).not.toHaveBeenCalled();
  });

  it('audits one entry per change with before and after, and none when nothing changed', async () => {
    const t = setup(user(TARGET, ['user']));
    const view = await t.sut.setRoles(admin, TARGET, ['moderator']);
    expect(view.roles).toEqual(expect.arrayContaining(['user', 'moderator']));
    expect(t.mock(AuditService).record).toHaveBeenCalledTimes(1);
    expect(t.mock(AuditService).record).toHaveBeenCalledWith(
      t.manager,
      expect.objectContaining({
        actorId: ADMIN,
        action: 'user.roles_changed',
        targetId: TARGET,
        before: { roles: ['user'] },
        ip: admin.ip,
      }),
    );
    // Sessions are rewritten even without a change, so a retry repairs a Redis hiccup.
    const same = setup(user(TARGET, ['user', 'moderator']));
    await same.sut.setRoles(admin, TARGET, ['moderator']);
    expect(same.mock(AuditService).record).not.toHaveBeenCalled();
    expect(same.mock(SessionStore).updateRolesForUser).toHaveBeenCalledWith(
      TARGET,
      expect.arrayContaining(['moderator']),
      expect.any(Array),
    );
  });

  it('suspending revokes every session and publishes user.suspended; a moderator cannot suspend an admin', async () => {
    const t = setup(user(TARGET, ['user']));
    await expect(t.sut.setSuspended(moderator, TARGET, true)).resolves.toMatchObject({ suspended: true });
    expect(t.mock(SessionStore).revokeAllForUser).toHaveBeenCalledWith(TARGET);
    expect(t.mock(OutboxService).publish).toHaveBeenCalledWith(t.manager, 'user.suspended', { userId: TARGET });

    const protectedAdmin = setup(user(TARGET, ['user', 'admin']));
    await expect(protectedAdmin.sut.setSuspended(moderator, TARGET, true)).rejects.toMatchObject({ status: 403 });
    expect(protectedAdmin.mock(SessionStore).revokeAllForUser).not.toHaveBeenCalled();
  });

  it('refuses suspending oneself (409)', async () => {
    const t = setup(user(ADMIN, ['user', 'admin']));
    await expect(t.sut.setSuspended(admin, ADMIN, true)).rejects.toMatchObject({ status: 409 });
  });
});
