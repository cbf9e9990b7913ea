import { createHash } from 'node:crypto';

// RFC 4122 URL namespace: any fixed namespace works as long as it never changes.
const NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/** RFC 4122 version 5 UUID: the same name always gives the same id. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The Plaza user id of an external OIDC identity. Derived, not looked up, so that every app (and
 * the gateway handshake) maps a token to the same user without asking the auth app.
 */
export function oidcUserId(issuer: string, subject: string): string {
  return uuidV5(`oidc:${issuer.replace(/\/$/, '')}#${subject}`);
}
