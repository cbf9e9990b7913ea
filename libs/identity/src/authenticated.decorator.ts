import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthGuard } from './auth.guard';
import type { Permission } from './roles.constants';
import { RequirePermissions } from './require-permissions.decorator';

/**
 * Protects a controller or route: bearer token + live session, then the given permissions.
 * `@Authenticated()` alone only requires a signed-in caller.
 */
export function Authenticated(...permissions: Permission[]) {
  const decorators = [
    UseGuards(AuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token, or revoked session' }),
  ];
  if (permissions.length) {
    decorators.push(
      RequirePermissions(...permissions),
      ApiForbiddenResponse({ description: `Requires ${permissions.join(', ')}` }),
    );
  }
  return applyDecorators(...decorators);
}
