import { createECDH } from 'node:crypto';

/**
 * Whether a Web Push endpoint may be posted to: its origin must be one of `allowed` exactly, or
 * match an `https://*.example.com` entry (one or more subdomain labels). Endpoints carrying
 * credentials are refused outright. This is what keeps the push app from becoming a request
 * forwarder to arbitrary URLs (an SSRF vector: the endpoint comes from the client).
 */
export function endpointAllowed(endpoint: string, allowed: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const origin = url.origin;
  return allowed.some((entry) => {
    const star = /^(https?):\/\/\*\.(.+)$/.exec(entry);
    if (!star) return entry.replace(/\/$/, '') === origin;
    const [, scheme, suffix] = star;
    if (url.protocol !== `${scheme}:`) return false;
    const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    return host.endsWith(`.${suffix}`) && host.length > suffix.length + 1;
  });
}

/** Whether `p256dh` (base64url) is a point on P-256 that ECDH accepts, as RFC 8291 needs. */
export function validBrowserKey(p256dh: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(p256dh, 'base64url'));
    return true;
  } catch {
    return false;
  }
}
