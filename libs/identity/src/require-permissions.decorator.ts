import { SetMetadata } from '@nestjs/common';
import type { Permission } from './roles.constants';

export const PERMISSIONS_KEY = 'plaza:permissions';

/** Every listed permission is required (checked by AuthGuard after authentication: 403 otherwise). */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(PERMISSIONS_KEY, permissions);
