import type { PlazaConfig } from '@plaza/config';
import type { Redis } from '@plaza/redis';
import { AccessTokenService } from './access-token.service';
import { AccessVerifier } from './access.verifier';
import { OidcVerifier } from './oidc.verifier';
import { SessionStore } from './session.store';
import { SocketRevoker } from './socket.revoker';

export interface AuthRuntime {
  tokens: AccessTokenService;
  sessions: SessionStore;
  revoker: SocketRevoker;
  oidc: OidcVerifier | undefined;
  verifier: AccessVerifier;
}

/**
 * Everything needed to authenticate, wired from config and one Redis client (a regular one, not a
 * subscriber). Outside Nest DI too: the gateway's socket.io handshake calls
 * `createAuthRuntime(config, redis).verifier.verify(token)`.
 * Throws at once when JWT_SECRET is missing, so a misconfigured app fails at boot.
 */
export function createAuthRuntime(config: PlazaConfig, redis: Redis): AuthRuntime {
  const tokens = new AccessTokenService(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS);
  const revoker = new SocketRevoker(redis, config.REDIS_URL);
  const sessions = new SessionStore(redis, revoker, { idleTtlSeconds: config.SESSION_IDLE_TTL_SECONDS });
  const oidc =
    config.OIDC_ISSUER && config.OIDC_AUDIENCE && config.OIDC_JWKS_URL
      ? new OidcVerifier({
          issuer: config.OIDC_ISSUER,
          audience: config.OIDC_AUDIENCE,
          jwksUrl: config.OIDC_JWKS_URL,
          rolesClaim: config.OIDC_ROLES_CLAIM,
        })
      : undefined;
  const verifier = new AccessVerifier({ tokens, sessions, redis, oidc });
  return { tokens, sessions, revoker, oidc, verifier };
}
