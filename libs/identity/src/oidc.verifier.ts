import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { oidcUserId } from './stable-user-id';
import { UnauthenticatedError, VerifierUnavailableError } from './session.types';

export interface OidcOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  rolesClaim: string;
  /** After a `kid` not in the cached JWKS, wait this long before fetching the JWKS again. */
  cooldownMs?: number;
  /** Refetch the JWKS at least this often even when every kid is known. */
  cacheMaxAgeMs?: number;
  timeoutMs?: number;
}

export interface OidcIdentity {
  userId: string;
  issuer: string;
  subject: string;
  email: string | null;
  /** Role names from the roles claim, unfiltered; the caller keeps those that name Plaza roles. */
  claimedRoles: string[];
}

/**
 * Accepts access tokens of an external OIDC provider (AWS Cognito included). Only RS256/ES256
 * keys from the provider's JWKS count, so `alg: none` and an HS256 token "signed" with the public
 * key are refused before any key is used. jose caches the JWKS and refetches it on an unknown
 * `kid` at most once per cool-down, so a flood of forged kids cannot hammer the provider.
 */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: OidcOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: options.cooldownMs ?? 30_000,
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      timeoutDuration: options.timeoutMs ?? 5_000,
    });
  }

  get issuer(): string {
    return this.options.issuer;
  }

  async verify(token: string): Promise<OidcIdentity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['RS256', 'ES256'],
        issuer: this.options.issuer,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || isNetworkError(err)) {
        throw new VerifierUnavailableError('the OIDC provider JWKS is unreachable');
      }
      throw new UnauthenticatedError(err instanceof Error ? err.message : 'invalid OIDC token');
    }
    if (!this.audienceMatches(payload)) throw new UnauthenticatedError('OIDC audience mismatch');
    // Access tokens only: an ID token proves a sign-in to its client, it does not grant API access
    // (RFC 9068, OIDC Core §2; Cognito marks them `token_use: "id"`).
    if (payload.token_use === 'id' || payload.nonce !== undefined || payload.at_hash !== undefined)
      throw new UnauthenticatedError('an ID token is not an access token');
    const subject = payload.sub as string;
    const email = typeof payload.email === 'string' ? payload.email.toLowerCase() : null;
    return {
      userId: oidcUserId(this.options.issuer, subject),
      issuer: this.options.issuer,
      subject,
      email,
      claimedRoles: rolesFrom(payload[this.options.rolesClaim]),
    };
  }

  /** ID-token style `aud`, or a Cognito access token: `client_id` plus `token_use: "access"`. */
  private audienceMatches(payload: JWTPayload): boolean {
    const expected = this.options.audience;
    const aud = payload.aud;
    if (typeof aud === 'string' ? aud === expected : Array.isArray(aud) && aud.includes(expected)) return true;
    return aud === undefined && payload.client_id === expected && payload.token_use === 'access';
  }
}

function rolesFrom(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((r): r is string => typeof r === 'string');
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter(Boolean);
  return [];
}

function isNetworkError(err: unknown): boolean {
  // fetch() failures (refused, DNS, reset) surface as TypeError("fetch failed") with a cause.
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}
