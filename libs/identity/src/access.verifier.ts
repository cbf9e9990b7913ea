import { decodeJwt } from 'jose';
import type { Redis } from '@plaza/redis';
import { AccessTokenService, PLAZA_ISSUER } from './access-token.service';
import type { OidcVerifier } from './oidc.verifier';
import { normalizeRoles, permissionsFor } from './roles.constants';
import { SessionStore } from './session.store';
import { type Principal, UnauthenticatedError } from './session.types';

/** Set (by the auth app) while a user is suspended; OIDC tokens have no session to revoke. */
export const suspendedKey = (userId: string): string => `user-suspended:${userId}`;

export interface AccessVerifierOptions {
  tokens: AccessTokenService;
  sessions: SessionStore;
  redis: Redis;
  oidc?: OidcVerifier;
}

/**
 * Turns a bearer token into a Principal, or throws UnauthenticatedError (→ 401). Used by the REST
 * guard of every app and by the gateway's socket.io handshake. A Plaza token costs one Redis round
 * trip (signature checked locally, then the live session read), so a revoked session or a role
 * change is seen by the very next request on every instance: no cache in between.
 */
export class AccessVerifier {
  constructor(private readonly options: AccessVerifierOptions) {}

  async verify(token: string | null | undefined): Promise<Principal> {
    if (!token || typeof token !== 'string') throw new UnauthenticatedError('missing token');
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new UnauthenticatedError('malformed token');
    }
    // The issuer only picks which verifier runs; each one pins its own algorithms and keys.
    if (issuer === PLAZA_ISSUER) return this.verifyPlaza(token);
    if (this.options.oidc && issuer === this.options.oidc.issuer) return this.verifyOidc(token);
    throw new UnauthenticatedError('unknown issuer');
  }

  private async verifyPlaza(token: string): Promise<Principal> {
    const claims = await this.options.tokens.verify(token);
    const session = await this.options.sessions.verify(claims.sessionId);
    if (!session || session.userId !== claims.userId) throw new UnauthenticatedError('session revoked or expired');
    return {
      kind: 'plaza',
      userId: claims.userId,
      sessionId: claims.sessionId,
      roles: session.roles,
      permissions: session.permissions,
    };
  }

  private async verifyOidc(token: string): Promise<Principal> {
    const identity = await this.options.oidc!.verify(token);
    if (await this.options.redis.exists(suspendedKey(identity.userId)))
      throw new UnauthenticatedError('account suspended');
    const roles = normalizeRoles(identity.claimedRoles);
    return {
      kind: 'oidc',
      userId: identity.userId,
      sessionId: null,
      roles,
      permissions: permissionsFor(roles),
      oidc: { issuer: identity.issuer, subject: identity.subject, email: identity.email },
    };
  }
}

/** `Authorization: Bearer <token>` → token; anything else → null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(value ?? '');
  return match ? match[1] : null;
}
