import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
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

  /**
   * Checked synchronously with node:crypto: on every request of every app, jose's WebCrypto path
   * cost ~100 µs of CPU against ~7 µs here. The header must say exactly HS256 (so `none`, RS256 or
   * a `crit` extension never pass), the signature is compared in constant time, then issuer,
   * audience, expiry (and not-before) and the claims Plaza needs.
   */
  async verify(token: string): Promise<AccessClaims> {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part)))
      throw new UnauthenticatedError('malformed token');
    const [encodedHeader, encodedPayload, signature] = parts;
    const header = decodeJson(encodedHeader);
    if (header?.alg !== ALGORITHM || header.crit !== undefined) throw new UnauthenticatedError('unexpected algorithm');
    const expected = createHmac('sha256', this.key).update(`${encodedHeader}.${encodedPayload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    // Canonical encoding only: base64url with its spare low bits changed decodes to the same bytes,
    // so without this check one valid token had several accepted spellings (RFC 7515 §2, RFC 4648 §3.5).
    if (given.toString('base64url') !== signature) throw new UnauthenticatedError('non-canonical signature');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthenticatedError('signature verification failed');
    }
    const claims = decodeJson(encodedPayload);
    const now = Date.now() / 1000;
    const audience = claims?.aud;
    if (!claims || claims.iss !== PLAZA_ISSUER) throw new UnauthenticatedError('unexpected issuer');
    if (audience !== PLAZA_AUDIENCE && !(Array.isArray(audience) && audience.includes(PLAZA_AUDIENCE))) {
      throw new UnauthenticatedError('unexpected audience');
    }
    if (typeof claims.exp !== 'number' || claims.exp <= now) throw new UnauthenticatedError('token expired');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) {
      throw new UnauthenticatedError('token not yet valid');
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string')
      throw new UnauthenticatedError('malformed claims');
    return { userId: claims.sub, sessionId: claims.sid, expiresAt: claims.exp * 1000 };
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
