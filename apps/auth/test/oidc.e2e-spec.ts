import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import { oidcUserId } from '@plaza/identity';
import {
  apiClient,
  type ApiClient,
  connectSocket,
  freePort,
  grantRole,
  type Platform,
  registerUser,
  startPlatform,
  waitFor,
} from '@plaza/testing';

type Key = Awaited<ReturnType<typeof generateKeyPair>>;
interface SignOptions {
  key?: Key;
  alg?: string;
  kid?: string;
  exp?: string | number;
}

/** External OIDC / Cognito access tokens checked against a local JWKS server. */
describe('OIDC access tokens (local JWKS server)', () => {
  let platform: Platform;
  let api: ApiClient;
  let jwksServer: Server;
  let issuer: string;
  let jwksFetches = 0;
  let rsa: Key;
  let ec: Key;
  let stranger: Key;
  const audience = 'plaza-client';

  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([
      generateKeyPair('RS256'),
      generateKeyPair('ES256'),
      generateKeyPair('RS256'),
    ]);
    const keys: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/us-east-1_pool`;
    jwksServer = createServer((req, res) => {
      if (req.url === '/us-east-1_pool/.well-known/jwks.json') {
        jwksFetches += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => jwksServer.listen(port, '127.0.0.1', resolve));
    platform = await startPlatform({
      apps: ['auth'],
      gateways: 1,
      env: { OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience },
    });
    api = apiClient(platform.gateways[0]);
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  const sign = (
    claims: Record<string, unknown>,
    { key = rsa, alg = 'RS256', kid = 'rsa-1', exp = '10m' }: SignOptions = {},
  ) => new SignJWT(claims).setProtectedHeader({ alg, kid }).setIssuedAt().setExpirationTime(exp).sign(key.privateKey);

  it('accepts a valid RS256 token, provisions the user on first sight and maps roles from cognito:groups', async () => {
    const sub = `sub-${Date.now()}`;
    const email = `oidc_${Date.now()}@example.test`;
    const token = await sign({ iss: issuer, aud: audience, sub, email, 'cognito:groups': ['moderator', 'Everyone'] });
    const me = await api.get('/api/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: oidcUserId(issuer, sub),
      email,
      emailVerified: false,
      handle: expect.stringMatching(/^[a-z0-9_]{3,30}$/),
      displayName: expect.any(String),
      roles: ['user', 'moderator'],
      permissions: ['users:read', 'users:suspend', 'posts:moderate'],
    });
    // Same identity, same user: a second token does not provision twice.
    const again = await api.get('/api/auth/me', { token: await sign({ iss: issuer, aud: audience, sub }) });
    expect(again.body.id).toBe(me.body.id);
    expect(again.body.roles).toEqual(['user']);
    // Permissions from the claim apply on every guarded route.
    expect((await api.get('/api/admin/users', { token })).status).toBe(200);
    expect((await api.get('/api/admin/audit', { token })).status).toBe(403);
  });

  it('accepts a Cognito access token (client_id + token_use: access, no aud) and an ES256 token', async () => {
    const cognito = await sign({
      iss: issuer,
      sub: `c-${Date.now()}`,
      client_id: audience,
      token_use: 'access',
      scope: 'openid',
    });
    expect((await api.get('/api/auth/me', { token: cognito })).status).toBe(200);
    const es = await sign(
      { iss: issuer, aud: audience, sub: `e-${Date.now()}` },
      { key: ec, alg: 'ES256', kid: 'ec-1' },
    );
    expect((await api.get('/api/auth/me', { token: es })).status).toBe(200);
  });

  it('refuses expired, wrong issuer, wrong audience, id tokens for the client, none, HS256-with-the-public-key and unknown kid with 401', async () => {
    const sub = `bad-${Date.now()}`;
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const publicPem = await exportSPKI(rsa.publicKey);
    const hsWithPublicKey = await new SignJWT({ iss: issuer, aud: audience, sub })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(publicPem));
    const cases: Record<string, string> = {
      expired: await sign({ iss: issuer, aud: audience, sub, exp: now - 60, iat: now - 120 }, { exp: now - 60 }),
      wrongIssuer: await sign({ iss: `${issuer}-other`, aud: audience, sub }),
      wrongAudience: await sign({ iss: issuer, aud: 'someone-else', sub }),
      cognitoIdToken: await sign({ iss: issuer, sub, client_id: audience, token_use: 'id' }),
      algNone: `${b64({ alg: 'none', kid: 'rsa-1' })}.${b64({ iss: issuer, aud: audience, sub, exp: now + 600 })}.`,
      hs256WithPublicKey: hsWithPublicKey,
      unknownKid: await sign({ iss: issuer, aud: audience, sub }, { key: stranger, kid: 'rsa-unknown' }),
      knownKidWrongKey: await sign({ iss: issuer, aud: audience, sub }, { key: stranger, kid: 'rsa-1' }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await api.get('/api/auth/me', { token });
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 401, code: 'unauthorized' });
    }
    expect((await api.get('/api/auth/me', { token: await sign({ iss: issuer, aud: audience, sub }) })).status).toBe(
      200,
    );
  });

  it('does not refetch the JWKS for every unknown kid (cool-down)', async () => {
    const before = jwksFetches;
    for (let i = 0; i < 5; i++) {
      const token = await sign({ iss: issuer, aud: audience, sub: 'x' }, { key: stranger, kid: `flood-${i}` });
      expect((await api.get('/api/auth/me', { token })).status).toBe(401);
    }
    expect(jwksFetches - before).toBeLessThanOrEqual(1);
  });

  it('refuses the tokens of a suspended OIDC user at once', async () => {
    const admin = await registerUser(api);
    await grantRole(platform.env, admin.email, 'admin');
    const sub = `susp-${Date.now()}`;
    const token = await sign({ iss: issuer, aud: audience, sub });
    const me = await api.get('/api/auth/me', { token });
    expect(me.status).toBe(200);
    expect(
      (await api.post(`/api/admin/users/${me.body.id}/suspend`, undefined, { token: admin.accessToken })).status,
    ).toBe(200);
    expect((await api.get('/api/auth/me', { token })).status).toBe(401);
    expect(
      (await api.post(`/api/admin/users/${me.body.id}/unsuspend`, undefined, { token: admin.accessToken })).status,
    ).toBe(200);
    expect((await api.get('/api/auth/me', { token })).status).toBe(200);
    // grantRole runs the operator CLI (a Nest context): slow on a loaded machine.
  }, 120_000);

  // Issue #15: ID tokens were accepted as access tokens; role changes of IdP users did nothing;
  // sockets outlived the token's exp and the user's suspension.
  it('refuses OIDC ID tokens (token_use "id", a nonce or an at_hash) with 401', async () => {
    const sub = `idt-${Date.now()}`;
    const cases: Record<string, Record<string, unknown>> = {
      tokenUseId: { iss: issuer, aud: audience, sub, token_use: 'id' },
      nonce: { iss: issuer, aud: audience, sub, nonce: 'n-0S6_WzA2Mj' },
      atHash: { iss: issuer, aud: audience, sub, at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' },
    };
    for (const [name, claims] of Object.entries(cases)) {
      const res = await api.get('/api/auth/me', { token: await sign(claims) });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
  });

  it('answers 409 roles_managed_by_identity_provider to a role change of an OIDC user, and changes nothing', async () => {
    const admin = await registerUser(api);
    await grantRole(platform.env, admin.email, 'admin');
    const token = await sign({ iss: issuer, aud: audience, sub: `roles-${Date.now()}` });
    const me = await api.get('/api/auth/me', { token });
    const res = await api.put(
      `/api/admin/users/${me.body.id}/roles`,
      { roles: ['user', 'moderator'] },
      { token: admin.accessToken },
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('roles_managed_by_identity_provider');
    expect((await api.get('/api/auth/me', { token })).body.roles).toEqual(['user']);
    // grantRole runs the operator CLI (a Nest context): slow on a loaded machine.
  }, 120_000);

  it('disconnects an OIDC socket when its token expires, and every socket of a suspended OIDC user', async () => {
    const expiring = await sign({ iss: issuer, aud: audience, sub: `exp-${Date.now()}` }, { exp: '4s' });
    const socket = await connectSocket(platform.gateways[0], { token: expiring });
    const events: string[] = [];
    socket.on('session:revoked', () => events.push('session:revoked'));
    socket.on('disconnect', (reason) => events.push(`disconnect:${reason}`));
    await waitFor(() => events.length === 2, { timeoutMs: 10_000, message: 'the expired OIDC socket disconnected' });
    expect(events).toEqual(['session:revoked', 'disconnect:io server disconnect']);

    const admin = await registerUser(api);
    await grantRole(platform.env, admin.email, 'admin');
    const token = await sign({ iss: issuer, aud: audience, sub: `suspend-socket-${Date.now()}` });
    const me = await api.get('/api/auth/me', { token });
    const sockets = await Promise.all([1, 2].map(() => connectSocket(platform.gateways[0], { token })));
    const reasons: string[] = [];
    for (const s of sockets) s.on('disconnect', (reason) => reasons.push(reason));
    expect(
      (await api.post(`/api/admin/users/${me.body.id}/suspend`, undefined, { token: admin.accessToken })).status,
    ).toBe(200);
    await waitFor(() => reasons.length === 2, { timeoutMs: 10_000, message: 'both sockets disconnected' });
    expect(reasons).toEqual(['io server disconnect', 'io server disconnect']);
    // grantRole runs the operator CLI (a Nest context): slow on a loaded machine.
  }, 120_000);
});
