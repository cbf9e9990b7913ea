import { isIP } from 'node:net';
import { CLIENT_IP_HEADER } from './internal-trust';

/** The parts of a Fastify request `clientIp` reads. */
export interface IpRequest {
  headers: Record<string, string | string[] | undefined>;
  raw?: { socket?: { remoteAddress?: string } };
  socket?: { remoteAddress?: string };
}

/**
 * The real client IP of a request that reached a domain app. The header is set by the gateway
 * (which alone honours TRUST_PROXY); the internal-trust hook of `@plaza/platform` removes it from
 * any request without INTERNAL_TOKEN before this runs. Never X-Forwarded-For: the app sits
 * behind the gateway, and only the gateway knows how many proxy hops to believe.
 */
export function clientIp(req: IpRequest): string {
  const given = req.headers[CLIENT_IP_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value && isIP(value)) return value;
  return req.raw?.socket?.remoteAddress ?? req.socket?.remoteAddress ?? 'unknown';
}

/**
 * The bucket of a client IP for rate limits: an IPv4-mapped IPv6 address counts as its IPv4
 * address, and any other IPv6 address as its /64 (one subscriber's usual allocation, so rotating
 * through it does not buy fresh attempts).
 */
export function ipBucket(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  return `${expandIpv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] {
  const [head, tail] = ip.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::a.b.c.d forms) fills two groups.
  const last = right.length ? right : left;
  if (last.length && last[last.length - 1].includes('.')) {
    const [a, b, c, d] = last.pop()!.split('.').map(Number);
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g || '0', 16).toString(16));
}
