export { type AuthRuntime, createAuthRuntime } from './access-verifier.factory';
export { ACCESS_VERIFIER, AuthGuard } from './auth.guard';
export { Authenticated } from './authenticated.decorator';
export { CLIENT_IP_HEADER, clientIp, type IpRequest, ipBucket } from './client-ip.util';
export { Client, type ClientContext, ClientIp } from './client.decorator';
export { CurrentUser } from './current-user.decorator';
export { PlazaThrottlerGuard } from './plaza-throttler.guard';
export { RateLimit, rateLimitApplies, RateLimitModule } from './rate-limit.module';
export { RbacModule } from './rbac.module';
export { RedisThrottlerStorage } from './redis-throttler.storage';
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
