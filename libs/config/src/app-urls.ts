import type { PlazaConfig } from './config.schema';

export type DomainApp = 'auth' | 'profiles' | 'feed' | 'messaging' | 'push';

/**
 * Where a domain app is reached (REST upstream and subgraph alike), without a trailing slash:
 * its `<APP>_URL` when set, else `http://UPSTREAM_HOST:<APP>_PORT`.
 */
export function domainAppUrl(config: PlazaConfig, app: DomainApp): string {
  const [url, port] = {
    auth: [config.AUTH_URL, config.AUTH_PORT],
    profiles: [config.PROFILES_URL, config.PROFILES_PORT],
    feed: [config.FEED_URL, config.FEED_PORT],
    messaging: [config.MESSAGING_URL, config.MESSAGING_PORT],
    push: [config.PUSH_URL, config.PUSH_PORT],
  }[app] as [string | undefined, number];
  return (url ?? `http://${config.UPSTREAM_HOST}:${port}`).replace(/\/$/, '');
}
