import { Inject, Injectable } from '@nestjs/common';
import { importPKCS8, SignJWT } from 'jose';
import { PUSH_SETTINGS, type PushSettings } from '../common/push.settings';
import { PushHttpClient } from './push-http.client';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** A token is renewed this long before it expires. */
const EARLY_RENEWAL_MS = 5 * 60_000;

/**
 * OAuth2 access tokens for FCM HTTP v1 by the JWT-bearer grant (RFC 7523) at the service
 * account's own `token_uri`. Written on `jose` because google-auth-library (11.x) sends service
 * account assertions to a fixed Google URL whatever `token_uri` says. One token is cached until
 * five minutes before it expires; concurrent callers share one renewal.
 */
@Injectable()
export class FcmTokenProvider {
  private cached?: { token: string; renewAt: number };
  private pending?: Promise<string>;

  constructor(
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    private readonly http: PushHttpClient,
  ) {}

  async token(): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** After a 401 from FCM: the next call fetches a new token. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const account = this.settings.fcm?.account;
    if (!account) throw new Error('FCM is not configured');
    const key = await importPKCS8(account.private_key, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(account.private_key_id ? { kid: account.private_key_id } : {}),
      })
      .setIssuer(account.client_email)
      .setSubject(account.client_email)
      .setAudience(account.token_uri)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key);
    const res = await this.http.post(
      account.token_uri,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
    );
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.body.slice(0, 200)}`);
    const body = JSON.parse(res.body) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new Error('token endpoint answered without access_token');
    const lifetimeMs = (body.expires_in ?? 3600) * 1000;
    this.cached = { token: body.access_token, renewAt: Date.now() + Math.max(0, lifetimeMs - EARLY_RENEWAL_MS) };
    return body.access_token;
  }
}
