import { isIP } from 'node:net';
import { CLIENT_IP_HEADER } from '@plaza/http';

export { CLIENT_IP_HEADER };

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  raw?: { socket?: { remoteAddress?: string } };
  socket?: { remoteAddress?: string };
}

/**
 * The real client IP of a request that reached a domain app. The header is set by the gateway
 * (which alone honours TRUST_PROXY); the internal-trust hook of `@plaza/http` removes it from
 * any request without INTERNAL_TOKEN before this runs. Never X-Forwarded-For: the app sits
 * behind the gateway, and only the gateway knows how many proxy hops to believe.
 */
export function clientIp(req: RequestLike): string {
  const given = req.headers[CLIENT_IP_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value && isIP(value)) return value;
  return req.raw?.socket?.remoteAddress ?? req.socket?.remoteAddress ?? 'unknown';
}
