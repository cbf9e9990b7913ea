import type { Socket } from 'socket.io';

/**
 * The client IP of a socket handshake, read like Fastify's `req.ip` with TRUST_PROXY hops:
 * X-Forwarded-For is believed only for the `trustProxy` hops nearest to us.
 */
export function socketClientIp(handshake: Socket['handshake'], trustProxy: number): string {
  const direct = handshake.address;
  if (trustProxy <= 0) return direct;
  const header = handshake.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // [client, proxy1, …] + the direct peer: the trusted hops are the last `trustProxy` addresses.
  const chain = [...hops, direct];
  return chain[Math.max(0, chain.length - 1 - trustProxy)];
}
