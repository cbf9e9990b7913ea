import { normalizeRoles, permissionsFor } from './roles.constants';

describe('role → permission map', () => {
  it('gives users no admin permission', () => {
    expect(permissionsFor(['user'])).toEqual([]);
  });

  it('gives moderators reading, suspending and moderation, not roles or audit', () => {
    expect(permissionsFor(['user', 'moderator'])).toEqual(['users:read', 'users:suspend', 'posts:moderate']);
  });

  it('gives admins everything', () => {
    expect(permissionsFor(['user', 'admin'])).toEqual([
      'users:read',
      'users:suspend',
      'posts:moderate',
      'roles:manage',
      'audit:read',
    ]);
  });

  it('ignores unknown role names', () => {
    expect(permissionsFor(['root', 'superuser'])).toEqual([]);
  });

  it('normalizes roles: known only, user always present, canonical order, no duplicates', () => {
    expect(normalizeRoles(['admin', 'admins', 'moderator', 'admin'])).toEqual(['user', 'moderator', 'admin']);
    expect(normalizeRoles([])).toEqual(['user']);
  });
});
