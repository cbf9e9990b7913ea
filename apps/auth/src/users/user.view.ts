import type { UserEntity } from './user.entity';

/** The public shapes of a user; the password hash and OIDC identifiers never leave the app. */
export function authUserView(user: UserEntity, roles: string[] = user.roles) {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerified,
    handle: user.handle,
    displayName: user.displayName,
    roles,
  };
}

export function adminUserView(user: UserEntity) {
  return { ...authUserView(user), suspended: user.suspended };
}
