import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from './session.types';

export const PLAZA_ISSUER = 'plaza';
export const PLAZA_AUDIENCE = 'plaza';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: number;
}

/**
 * Signs and verifies Plaza access tokens: HS256 only (the algorithm is pinned, so `none` or an
 * RS256 header never reaches key selection), issuer and audience `plaza`, `sub` + `sid` + `exp`.
 */
export class AccessTokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string | undefined,
    readonly ttlSeconds: number,
  ) {
    if (!secret) {
      throw new Error(
        'JWT_SECRET is not set: access tokens cannot be signed or verified (set a random string of at least 32 characters)',
      );
    }
    this.key = new TextEncoder().encode(secret);
  }

  async sign(userId: string, sessionId: string): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(PLAZA_ISSUER)
      .setAudience(PLAZA_AUDIENCE)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.key);
    return { token, expiresIn: this.ttlSeconds };
  }

  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: PLAZA_ISSUER,
        audience: PLAZA_AUDIENCE,
        requiredClaims: ['sub', 'sid', 'exp'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
        throw new UnauthenticatedError('malformed claims');
      }
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp * 1000 };
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw err;
      throw new UnauthenticatedError(err instanceof Error ? err.message : 'invalid token');
    }
  }
}
