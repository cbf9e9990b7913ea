/** `local`: the client keeps tokens in localStorage ("keep me signed in"); `session`: sessionStorage. */
export type Persistence = 'local' | 'session';

/** A live Plaza session as stored in Redis (`session:<id>`). Times are epoch milliseconds. */
export interface SessionRecord {
  id: string;
  userId: string;
  roles: string[];
  permissions: string[];
  persistence: Persistence;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
}

/**
 * Who is calling, as established by `AccessVerifier.verify()` for every request and socket
 * handshake. `sessionId` is null for external OIDC tokens: they carry no Plaza session, so there
 * is no `session:<id>` room to join and nothing to revoke.
 */
export interface Principal {
  kind: 'plaza' | 'oidc';
  userId: string;
  sessionId: string | null;
  roles: string[];
  permissions: string[];
  /** Set for OIDC tokens: what the auth app needs to provision the user on first sight. */
  oidc?: { issuer: string; subject: string; email: string | null };
}

/** The token is missing, malformed, expired, badly signed, or its session is gone: answer 401. */
export class UnauthenticatedError extends Error {
  constructor(readonly reason: string) {
    super(`unauthorized: ${reason}`);
  }
}

/** A dependency needed to decide (the OIDC provider's JWKS) cannot be reached: answer 503, never a pass. */
export class VerifierUnavailableError extends Error {}
