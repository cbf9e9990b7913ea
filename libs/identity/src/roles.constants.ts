/** Plaza roles; `user` is everyone's base role. */
export const ROLES = ['user', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['users:read', 'users:suspend', 'posts:moderate', 'roles:manage', 'audit:read'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The contract's role → permission map ("Roles and admin"). */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  user: [],
  moderator: ['users:read', 'users:suspend', 'posts:moderate'],
  admin: ['users:read', 'users:suspend', 'posts:moderate', 'roles:manage', 'audit:read'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Keeps known roles only, always includes `user`, in canonical order without duplicates. */
export function normalizeRoles(roles: readonly string[]): Role[] {
  const set = new Set<string>(['user', ...roles]);
  return ROLES.filter((r) => set.has(r));
}

export function permissionsFor(roles: readonly string[]): Permission[] {
  const granted = new Set<Permission>();
  for (const role of roles) if (isRole(role)) for (const p of ROLE_PERMISSIONS[role]) granted.add(p);
  return PERMISSIONS.filter((p) => granted.has(p));
}
