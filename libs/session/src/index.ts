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
