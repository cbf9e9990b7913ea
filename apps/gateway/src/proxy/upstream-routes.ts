import type { PlazaConfig } from '@plaza/config';

export type DomainApp = 'auth' | 'profiles' | 'feed' | 'messaging' | 'push';

/** Which app owns which `/api` prefix. The gateway holds no domain logic of its own. */
export const UPSTREAM_PREFIXES: Record<DomainApp, string[]> = {
  auth: ['/api/auth', '/api/admin'],
  profiles: ['/api/profiles', '/api/connections', '/api/follows', '/api/blocks'],
  feed: ['/api/posts', '/api/feed', '/api/users', '/api/notifications'],
  messaging: ['/api/conversations'],
  push: ['/api/push'],
};

export function upstreamUrl(config: PlazaConfig, app: DomainApp): string {
  const [url, port] = {
    auth: [config.AUTH_URL, config.AUTH_PORT],
    profiles: [config.PROFILES_URL, config.PROFILES_PORT],
    feed: [config.FEED_URL, config.FEED_PORT],
    messaging: [config.MESSAGING_URL, config.MESSAGING_PORT],
    push: [config.PUSH_URL, config.PUSH_PORT],
  }[app] as [string | undefined, number];
  return (url ?? `http://${config.UPSTREAM_HOST}:${port}`).replace(/\/$/, '');
}
