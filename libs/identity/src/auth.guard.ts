import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@plaza/platform';
import { type AccessVerifier, bearerToken } from './access.verifier';
import { type Principal, UnauthenticatedError, VerifierUnavailableError } from './session.types';
import { PERMISSIONS_KEY } from './require-permissions.decorator';

export const ACCESS_VERIFIER = Symbol('ACCESS_VERIFIER');

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: Principal;
  raw?: { user?: { id: string } };
}

/**
 * The one guard every app uses: a Plaza access token bound to a live session (or, when OIDC is
 * configured, an external provider's token), then the permissions `@RequirePermissions()` lists.
 * 401 for a missing/invalid/expired token or revoked session, 403 for a missing permission.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(ACCESS_VERIFIER) private readonly verifier: AccessVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<GuardedRequest>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new DomainError('unauthorized', 'Authentication required');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (err) {
      if (err instanceof UnauthenticatedError) {
        throw new DomainError('unauthorized', 'Invalid or expired token, or the session was revoked');
      }
      if (err instanceof VerifierUnavailableError) {
        throw new DomainError('unavailable', 'The identity provider is unavailable, retry shortly');
      }
      throw err;
    }
    req.user = principal;
    // The request logger reads the raw request.
    if (req.raw) req.raw.user = { id: principal.userId };

    const required =
      this.reflector.getAllAndOverride<string[] | undefined>(PERMISSIONS_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    const missing = required.filter((p) => !principal.permissions.includes(p));
    if (missing.length) {
      throw new DomainError('forbidden', `Missing permission: ${missing.join(', ')}`);
    }
    return true;
  }
}
