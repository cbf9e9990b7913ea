/**
 * Who is calling and what they may do: access tokens, the session store, the Plaza and OIDC
 * verifiers, the socket revoker, roles → permissions, and the REST guard and decorators over them.
 * Roles live here with the verifier that applies them, so no map is injected across libs.
 */
export { type AuthRuntime, createAuthRuntime } from './access-verifier.factory';
export { AccessTokenService, type AccessClaims, PLAZA_AUDIENCE, PLAZA_ISSUER } from './access-token.service';
export { AccessVerifier, type AccessVerifierOptions, bearerToken, suspendedKey } from './access.verifier';
export { type OidcIdentity, type OidcOptions, OidcVerifier } from './oidc.verifier';
export {
  type CreateSessionInput,
  type RefreshOutcome,
  sessionKey,
  SessionStore,
  TOUCH_INTERVAL_MS,
  userSessionsKey,
  type VerifiedSession,
} from './session.store';
export {
  type Persistence,
  type Principal,
  type SessionRecord,
  UnauthenticatedError,
  VerifierUnavailableError,
} from './session.types';
export { sessionRoom, SocketRevoker } from './socket.revoker';
export { oidcUserId, uuidV5 } from './stable-user-id';
export { ACCESS_VERIFIER, AuthGuard } from './auth.guard';
export { Authenticated } from './authenticated.decorator';
export { CurrentUser } from './current-user.decorator';
export { IdentityModule } from './identity.module';
export { PERMISSIONS_KEY, RequirePermissions } from './require-permissions.decorator';
export {
  isRole,
  normalizeRoles,
  type Permission,
  PERMISSIONS,
  permissionsFor,
  type Role,
  ROLE_PERMISSIONS,
  ROLES,
} from './roles.constants';
