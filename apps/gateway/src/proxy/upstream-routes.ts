import type { DomainApp } from '@plaza/config';

/** Which app owns which `/api` prefix. The gateway holds no domain logic of its own. */
export const UPSTREAM_PREFIXES: Record<DomainApp, string[]> = {
  auth: ['/api/auth', '/api/admin'],
  profiles: ['/api/profiles', '/api/connections', '/api/follows', '/api/blocks'],
  feed: ['/api/posts', '/api/feed', '/api/users', '/api/notifications'],
  messaging: ['/api/conversations'],
  push: ['/api/push'],
};
