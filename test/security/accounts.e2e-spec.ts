import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  apiClient,
  type ApiClient,
  connectSocket,
  nextEvent,
  type Platform,
  type ReceivedMail,
  registerUser,
  registrationBody,
  startPlatform,
  startSmtpServer,
  type TestSmtpServer,
  uniqueSuffix,
} from '@plaza/testing';

const PUBLIC_URL = 'https://plaza.example.test';
const ADMIN_EMAIL = `boss_${uniqueSuffix()}@example.test`;
const NEW_PASSWORD = 'a brand new passphrase 4 plaza';

/** The token of the link a mail carries, after checking the link points at PUBLIC_URL + path. */
function linkToken(mail: ReceivedMail, path: string): string {
  const links = [...mail.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
  const link = links.find((l) => l.startsWith(`${PUBLIC_URL}${path}?token=`));
  if (!link) throw new Error(`no ${path} link in: ${mail.text}`);
  // The HTML part carries the same link.
  expect(mail.html).toContain(link.replaceAll('&', '&amp;'));
  return new URL(link).searchParams.get('token')!;
}

/**
 * Issue #15 findings 1 and 5: email verification, reset, change, password policy and ADMIN_EMAILS,
 * end to end through the gateway and a real SMTP server started here.
 */
describe('accounts: email verification, password reset and change, password policy, first admin', () => {
  let smtp: TestSmtpServer;
  let platform: Platform;
  let api: ApiClient;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    platform = await startPlatform({
      apps: ['auth'],
      gateways: 1,
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Plaza <accounts@plaza.example.test>',
        PUBLIC_URL,
        ADMIN_EMAILS: ADMIN_EMAIL,
        EVENTS_RELAY_POLL_MS: '100',
      },
    });
    api = apiClient(platform.gateways[0]);
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
  });

  it('an ADMIN_EMAILS address is not admin at registration, and becomes admin once its owner opens the link', async () => {
    const owner = await registerUser(api, { email: ADMIN_EMAIL, rememberMe: true });
    expect(owner.user.roles).toEqual(['user']);
    expect(owner.user).toMatchObject({ emailVerified: false });
    expect((await api.get('/api/admin/users', { token: owner.accessToken })).status).toBe(403);

    const mail = await smtp.nextMail(ADMIN_EMAIL);
    expect(mail.subject).toMatch(/confirm your email/i);
    expect(mail.text).toContain(owner.user.displayName);
    const token = linkToken(mail, '/verify-email');

    expect((await api.post('/api/auth/email/verify', { token })).status).toBe(204);
    // The user's next request, with the token they already hold.
    const me = await api.get('/api/auth/me', { token: owner.accessToken });
    expect(me.body).toMatchObject({ emailVerified: true, roles: expect.arrayContaining(['admin']) });
    expect((await api.get('/api/admin/users', { token: owner.accessToken })).status).toBe(200);
    // Single use.
    const again = await api.post('/api/auth/email/verify', { token });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_token');
    expect((await api.post('/api/auth/email/verify', { token: 'A'.repeat(43) })).body.code).toBe('invalid_token');
  });

  it('resend sends a new link and spends the previous one; tokens are stored only as hashes', async () => {
    const user = await registerUser(api);
    const first = linkToken(await smtp.nextMail(user.email), '/verify-email');
    expect((await api.post('/api/auth/email/verify/resend', undefined, { token: user.accessToken })).status).toBe(204);
    const second = linkToken(await smtp.nextMail(user.email), '/verify-email');
    expect(second).not.toBe(first);

    const db = new Client({ connectionString: platform.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT encode(token_hash, 'hex') AS hash, purpose FROM auth.account_tokens WHERE user_id = $1`,
        [user.user.id],
      );
      expect(rows).toHaveLength(2);
      const dump = JSON.stringify(rows);
      const outbox = JSON.stringify((await db.query(`SELECT payload FROM auth.outbox_events`)).rows);
      for (const token of [first, second]) {
        expect(dump).not.toContain(token);
        expect(outbox).not.toContain(token);
      }
    } finally {
      await db.end();
    }
    expect((await api.post('/api/auth/email/verify', { token: first })).body.code).toBe('invalid_token');
    expect((await api.post('/api/auth/email/verify', { token: second })).status).toBe(204);
    expect((await api.get('/api/auth/me', { token: user.accessToken })).body.emailVerified).toBe(true);
  });

  it('forgot answers 202 alike for known and unknown emails; the reset link sets the password and revokes every session and socket', async () => {
    const user = await registerUser(api, { rememberMe: true });
    await smtp.nextMail(user.email); // the verification mail
    const socket = await connectSocket(platform.gateways[0], { token: user.accessToken });
    const revoked = nextEvent<{ sessionId: string }>(socket, 'session:revoked', 20_000);

    const unknown = await api.post('/api/auth/password/forgot', { email: `nobody_${uniqueSuffix()}@example.test` });
    const known = await api.post('/api/auth/password/forgot', { email: user.email.toUpperCase() });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);

    const mail = await smtp.nextMail(user.email);
    expect(mail.subject).toMatch(/reset your plaza password/i);
    expect(mail.text).toMatch(/30 minutes/);
    const token = linkToken(mail, '/reset-password');

    const weak = await api.post('/api/auth/password/reset', { token, newPassword: 'password12' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('weak_password');
    // The link still works after a refused weak password.
    expect((await api.post('/api/auth/password/reset', { token, newPassword: NEW_PASSWORD })).status).toBe(204);
    expect(await revoked).toEqual(expect.objectContaining({ sessionId: user.session.id }));
    socket.close();
    expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
    const reused = await api.post('/api/auth/password/reset', { token, newPassword: `${NEW_PASSWORD} again` });
    expect(reused.body.code).toBe('invalid_token');
  });

  it('change password keeps the current session and revokes the others (their sockets too)', async () => {
    const user = await registerUser(api, { rememberMe: true });
    const other = (await api.post('/api/auth/login', { email: user.email, password: user.password })).body;
    const otherSocket = await connectSocket(platform.gateways[0], { token: other.accessToken });
    const mySocket = await connectSocket(platform.gateways[0], { token: user.accessToken });
    const revoked = nextEvent<{ sessionId: string }>(otherSocket, 'session:revoked', 20_000);

    const wrong = await api.post(
      '/api/auth/password',
      { currentPassword: 'not my password at all', newPassword: NEW_PASSWORD },
      { token: user.accessToken },
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('invalid_credentials');
    const weak = await api.post(
      '/api/auth/password',
      { currentPassword: user.password, newPassword: '1234567890' },
      { token: user.accessToken },
    );
    expect(weak.body.code).toBe('weak_password');
    const ok = await api.post(
      '/api/auth/password',
      { currentPassword: user.password, newPassword: NEW_PASSWORD },
      { token: user.accessToken },
    );
    expect(ok.status).toBe(204);
    expect(await revoked).toEqual(expect.objectContaining({ sessionId: other.session.id }));
    expect((await api.get('/api/auth/me', { token: other.accessToken })).status).toBe(401);
    expect((await api.get('/api/auth/me', { token: user.accessToken })).status).toBe(200);
    expect(mySocket.connected).toBe(true);
    mySocket.close();
    otherSocket.close();
    expect((await api.post('/api/auth/login', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
  });

  it.each([
    ['a common password', 'password12'],
    ['digits in a row', '1234567890'],
    ['ten spaces', ' '.repeat(10)],
    ['a keyboard walk', 'qwertyuiop'],
    ['the product name', 'plazaplaza2026'],
    ['under 10 characters', 'Xk9#vL2!q'],
    ['over 128 characters', 'Xk9#vL2!qZ'.repeat(13)],
  ])('registration refuses %s with 400 weak_password and creates nothing', async (_name, password) => {
    const body = registrationBody({ password });
    const res = await api.post('/api/auth/register', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('weak_password');
    expect((await api.post('/api/auth/register', registrationBody({ email: body.email }))).status).toBe(201);
  });

  it('accepts a long passphrase of any composition, checked exactly as typed', async () => {
    const password = ` Über die Brücke, 7 müde Ärzte & ein 🐘 tanzen leise im Nebel von Gdańsk ${uniqueSuffix()} `;
    expect([...password].length).toBeGreaterThanOrEqual(64);
    const body = registrationBody({ password });
    expect((await api.post('/api/auth/register', body)).status).toBe(201);
    expect((await api.post('/api/auth/login', { email: body.email, password })).status).toBe(200);
    for (const variant of [password.trim(), password.toUpperCase(), password.slice(0, 64)])
      expect((await api.post('/api/auth/login', { email: body.email, password: variant })).status).toBe(401);
  });

  it('token answers carry Cache-Control: no-store', async () => {
    const body = registrationBody();
    const register = await api.post('/api/auth/register', body);
    const login = await api.post('/api/auth/login', { email: body.email, password: body.password });
    const refresh = await api.post('/api/auth/refresh', { refreshToken: login.body.refreshToken });
    for (const res of [register, login, refresh]) {
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('`npm run cli -- grant-role` finds the database `npm start` recorded, with no settings', async () => {
    const user = await registerUser(api);
    const dataDir = mkdtempSync(join(tmpdir(), 'plaza-data-'));
    try {
      writeFileSync(join(dataDir, 'database-url'), platform.env.DATABASE_URL);
      const { DATABASE_URL: _omitted, ...env } = { ...process.env, ...platform.env };
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [join(__dirname, '..', '..', 'scripts', 'run-app.mjs'), 'auth-cli', 'grant-role', user.email, 'moderator'],
          { env: { ...env, PLAZA_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: 'ignore' },
        );
        child.on('exit', resolve);
      });
      expect(code).toBe(0);
      expect((await api.get('/api/auth/me', { token: user.accessToken })).body.roles).toContain('moderator');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
