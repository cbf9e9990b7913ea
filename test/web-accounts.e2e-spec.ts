import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  apiClient,
  type ApiClient,
  type Platform,
  type ReceivedMail,
  registerUser,
  startPlatform,
  startSmtpServer,
  TEST_PASSWORD,
  type TestSmtpServer,
  uniqueSuffix,
} from '@plaza/testing';
import { goto, launchBrowser, SCREENS, see, shoot, signIn, WAIT } from './web.helpers';

const PUBLIC_URL = 'https://plaza.example.test';
const NEW_PASSWORD = 'a brand new passphrase 4 plaza';
const NEWER_PASSWORD = 'yet another passphrase 4 plaza';

/**
 * The account journeys of the reference web client that go through email, in headless Chromium
 * against a platform of its own whose auth app sends mail to a real SMTP server started here:
 * sign up → the verification mail's link → confirmed; forgot password → the mail's link → new
 * password, and the browser signed in elsewhere returns to sign-in; change password likewise.
 */
jest.setTimeout(180_000);

describe('web client: account journeys through email', () => {
  let smtp: TestSmtpServer;
  let platform: Platform;
  let api: ApiClient;
  let gateway: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const open = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    contexts.push(context);
    return context.newPage();
  };
  /** The mail's link for `path` (checked to point at PUBLIC_URL), opened on this test's gateway. */
  const link = (mail: ReceivedMail, path: string): string => {
    const found = [...mail.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]).find((l) => l.startsWith(PUBLIC_URL));
    expect(found).toBeDefined();
    const url = new URL(found!);
    expect(url.pathname).toBe(path);
    return `${gateway}${url.pathname}${url.search}`;
  };

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    smtp = await startSmtpServer();
    [platform, browser] = await Promise.all([
      startPlatform({
        apps: ['auth', 'profiles', 'feed', 'messaging'],
        gateways: 1,
        env: {
          SMTP_URL: smtp.url,
          MAIL_FROM: 'Plaza <accounts@plaza.example.test>',
          PUBLIC_URL,
          EVENTS_RELAY_POLL_MS: '100',
        },
      }),
      launchBrowser(),
    ]);
    gateway = platform.gateways[0];
    api = apiClient(gateway);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
    await smtp?.close();
  });

  it('signs up, and the link of the verification mail confirms the address', async () => {
    const s = uniqueSuffix();
    const email = `vera_${s}@example.test`;
    const page = await open();
    await page.goto(`${gateway}/signup`);
    await page.getByLabel('Name').fill(`Vera ${s.slice(0, 6)}`);
    await page.getByLabel('Handle').fill(`vera_${s}`.slice(0, 30));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor({ timeout: WAIT });
    await goto(page, gateway, '/settings', 'Settings');
    await see(page, 'Confirm your email');

    const mail = await smtp.nextMail(email);
    expect(mail.subject).toMatch(/confirm your email/i);
    await page.goto(link(mail, '/verify-email'));
    await see(page.getByRole('status'), 'Your email address is confirmed.');
    await shoot(page, 'verify-email');
    // The same link again: spent, said in words.
    await page.reload();
    await see(page.getByRole('alert'), 'This link has expired or was already used.');

    await page.getByRole('link', { name: 'Continue to Plaza' }).click();
    await goto(page, gateway, '/settings', 'Settings');
    await page.getByRole('heading', { name: 'Change password' }).waitFor({ timeout: WAIT });
    expect(await page.getByRole('heading', { name: 'Confirm your email' }).count()).toBe(0);
  });

  it('resets a forgotten password from the mailed link, and the browser signed in elsewhere returns to sign-in', async () => {
    const user = await registerUser(api, { rememberMe: true });
    await smtp.nextMail(user.email); // the verification mail
    const elsewhere = await open();
    await signIn(elsewhere, gateway, user.email, true);

    const page = await open();
    await page.goto(`${gateway}/signin`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor({ timeout: WAIT });
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await see(page.getByRole('status'), /we've sent it a link/);
    await shoot(page, 'forgot-password');

    const mail = await smtp.nextMail(user.email);
    expect(mail.subject).toMatch(/password/i);
    await page.goto(link(mail, '/reset-password'));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor({ timeout: WAIT });
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await shoot(page, 'reset-password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await see(page.getByRole('status'), 'Your password was changed and every device was signed out.');

    await elsewhere.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    await see(elsewhere, 'You were signed out of this device');
    expect(await elsewhere.evaluate('localStorage.getItem("plaza.auth")')).toBeNull();

    // The old password no longer works; the new one does.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await see(page.getByRole('alert'), 'Wrong email or password.');
    await signIn(page, gateway, user.email, false, NEW_PASSWORD);

    // Changing it from Settings signs the other browser out too, and keeps this one.
    await signIn(elsewhere, gateway, user.email, true, NEW_PASSWORD);
    await goto(page, gateway, '/settings', 'Settings');
    await page.getByLabel('Current password').fill(NEW_PASSWORD);
    await page.getByLabel('New password').fill(NEWER_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await see(page.getByRole('status'), 'Password changed. Your other devices were signed out.');
    await elsewhere.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    await goto(page, gateway, '/settings', 'Settings');
    expect((await api.post('/api/auth/login', { email: user.email, password: NEWER_PASSWORD })).status).toBe(200);
  });
});
