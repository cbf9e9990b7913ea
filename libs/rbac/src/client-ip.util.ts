import { isIP } from 'node:net';

/** Set by the gateway (which alone honours TRUST_PROXY) and stripped from what clients send. */
export const CLIENT_IP_HEADER = 'x-plaza-client-ip';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  raw?: { socket?: { remoteAddress?: string } };
  socket?: { remoteAddress?: string };
}

/**
 * The real client IP of a request that reached a domain app. Never X-Forwarded-For: the app sits
 * behind the gateway, and only the gateway knows how many proxy hops to believe.
 */
export function clientIp(req: RequestLike): string {
  const given = req.headers[CLIENT_IP_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value && isIP(value)) return value;
  return req.raw?.socket?.remoteAddress ?? req.socket?.remoteAddress ?? 'unknown';
}
