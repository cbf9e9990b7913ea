import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { AccessTokenService } from './access-token.service';
import { UnauthenticatedError } from './session.types';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const key = new TextEncoder().encode(SECRET);
const service = new AccessTokenService(SECRET, 900);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

const craft = async (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256' }) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
const now = () => Math.floor(Date.now() / 1000);
const good = () => ({ iss: 'plaza', aud: 'plaza', sub: 'u1', sid: 's1', exp: now() + 60 });

async function refusal(token: string): Promise<string> {
  try {
    await service.verify(token);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthenticatedError);
    return (err as UnauthenticatedError).reason;
  }
}

describe('AccessTokenService', () => {
  it('verifies what it signs', async () => {
    const { token } = await service.sign('user-1', 'session-1');
    await expect(service.verify(token)).resolves.toMatchObject({ userId: 'user-1', sessionId: 'session-1' });
  });

  it('refuses a token signed with another key, or tampered', async () => {
    const other = await new SignJWT(good())
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(40)));
    expect(await refusal(other)).toBe('signature verification failed');
    const [h, , sig] = (await craft(good())).split('.');
    expect(await refusal(`${h}.${b64({ ...good(), sub: 'admin' })}.${sig}`)).toBe('signature verification failed');
  });

  it('pins the algorithm: none, HS512, RS256 headers and crit extensions are refused', async () => {
    expect(await refusal(`${b64({ alg: 'none' })}.${b64(good())}.`)).toBe('malformed token');
    expect(await refusal(`${b64({ alg: 'none' })}.${b64(good())}.AAAA`)).toBe('unexpected algorithm');
    expect(await refusal(await craft(good(), { alg: 'HS512' }))).toBe('unexpected algorithm');
    const [, p, s] = (await craft(good())).split('.');
    expect(await refusal(`${b64({ alg: 'RS256' })}.${p}.${s}`)).toBe('unexpected algorithm');
    const critHeader = b64({ alg: 'HS256', crit: ['x'], x: 1 });
    const critSig = createHmac('sha256', key).update(`${critHeader}.${p}`).digest('base64url');
    expect(await refusal(`${critHeader}.${p}.${critSig}`)).toBe('unexpected algorithm');
  });

  it('checks issuer, audience, expiry, not-before and the claims it needs', async () => {
    expect(await refusal(await craft({ ...good(), iss: 'evil' }))).toBe('unexpected issuer');
    expect(await refusal(await craft({ ...good(), aud: 'other' }))).toBe('unexpected audience');
    expect(await service.verify(await craft({ ...good(), aud: ['other', 'plaza'] }))).toMatchObject({ userId: 'u1' });
    expect(await refusal(await craft({ ...good(), exp: now() - 1 }))).toBe('token expired');
    expect(await refusal(await craft({ ...good(), exp: undefined }))).toBe('token expired');
    expect(await refusal(await craft({ ...good(), nbf: now() + 60 }))).toBe('token not yet valid');
    expect(await refusal(await craft({ ...good(), sid: undefined }))).toBe('malformed claims');
    expect(await refusal(await craft({ ...good(), sub: 42 }))).toBe('malformed claims');
  });

  it('refuses a signature whose spare base64url bits were changed (only the canonical spelling verifies)', async () => {
    const token = await craft(good());
    const [h, p, sig] = token.split('.');
    // 32 bytes → 43 characters: the last one carries 4 bits of data and 2 spare bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig[sig.length - 1]);
    const variant = `${sig.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(variant, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    expect(await refusal(`${h}.${p}.${variant}`)).toBe('non-canonical signature');
    expect(await refusal(token)).toBe('accepted');
  });

  it('refuses garbage', async () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', 'a b.c.d', `${b64([1])}.${b64(good())}.x`]) {
      expect(await refusal(token)).not.toBe('accepted');
    }
  });
});
