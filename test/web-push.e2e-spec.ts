import { createECDH, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { registerUser, sharedPlatform, type TestUser, uniqueSuffix, waitFor } from '@plaza/testing';
import { goto, launchBrowser, SCREENS, see, shoot, signIn, WAIT } from './web.helpers';

/**
 * Browser push in the reference web client (apps/web: public/sw.js, src/push/push.ts) in headless
 * Chromium. Headless Chromium has no push service, so: the service worker's push handling is fed
 * by DevTools (`ServiceWorker.deliverPushMessage`, as a push service would deliver it); a real
 * `PushManager.subscribe` is shown failing with a clear message; and the registration path runs
 * against a stand-in for the browser's push service (`PushManager` answering with a subscription
 * of a push-service origin Plaza allows), to check what Plaza receives and that sign-out ends it.
 */
jest.setTimeout(120_000);

interface Shown {
  title: string;
  body: string;
  tag: string;
  url: string;
}

describe('web client: browser push notifications', () => {
  const { gateways, api } = sharedPlatform();
  const gateway = gateways[0];
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let user: TestUser;

  const open = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    await context.grantPermissions(['notifications'], { origin: gateway });
    contexts.push(context);
    return context.newPage();
  };
  const subscriptions = async () => {
    const res = await api[0].get('/api/push/subscriptions', { token: user.accessToken });
    expect(res.status).toBe(200);
    return res.body.items as { id: string; kind: string; origin?: string }[];
  };

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    [browser, user] = await Promise.all([
      launchBrowser(),
      registerUser(api[0], { displayName: `Pia ${uniqueSuffix().slice(0, 6)}` }),
    ]);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
  });

  it('shows a pushed message as a notification that leads to its conversation', async () => {
    const page = await open();
    await signIn(page, gateway, user.email, false);
    const cdp = await page.context().newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    // The page registered /sw.js on load, for the whole origin.
    await waitFor(() => registrations.some((r) => r.scopeURL === `${gateway}/`), {
      timeoutMs: WAIT,
      message: 'the service worker registration',
    });
    await page.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
    const { registrationId } = registrations.find((r) => r.scopeURL === `${gateway}/`)!;
    const conversationId = '0b4d5a9e-6c1f-4c38-9c43-2f1f0c1d2e3f';
    const push = {
      type: 'message',
      eventId: 'e1',
      title: 'Ben Example',
      body: 'Lunch at noon?',
      url: `/conversations/${conversationId}`,
    };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: gateway, registrationId, data: JSON.stringify(push) });

    const shown = () =>
      page.evaluate<Shown[]>(`navigator.serviceWorker.ready
        .then((reg) => reg.getNotifications())
        .then((list) => list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data.url })))`);
    let notifications: Shown[] = [];
    await waitFor(
      async () => {
        notifications = await shown();
        return notifications.length > 0;
      },
      { timeoutMs: WAIT, message: 'the notification' },
    );
    expect(notifications).toEqual([{ title: push.title, body: push.body, tag: push.url, url: push.url }]);

    // A second push of the same conversation replaces it (one per conversation); a push that is
    // not Plaza's JSON, or points off-site, still shows something harmless that opens Plaza.
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: gateway,
      registrationId,
      data: JSON.stringify({ ...push, eventId: 'e2', body: 'Or at one?' }),
    });
    // One push at a time: Chromium may drop a push delivered while the worker still handles one.
    await waitFor(async () => (await shown()).some((n) => n.body === 'Or at one?'), {
      timeoutMs: WAIT,
      message: 'the replacing notification',
    });
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: gateway,
      registrationId,
      data: JSON.stringify({ title: 'Plaza', body: 'x', url: 'https://evil.example/' }),
    });
    await waitFor(async () => (notifications = await shown()).length === 2, {
      timeoutMs: WAIT,
      message: 'two notifications',
    }).catch(() => undefined);
    expect(notifications.sort((x, y) => x.tag.localeCompare(y.tag))).toEqual([
      { title: 'Plaza', body: 'x', tag: '/', url: '/' },
      { title: push.title, body: 'Or at one?', tag: push.url, url: push.url },
    ]);

    // The path a push carries opens that conversation in the client.
    await page.goto(`${gateway}${push.url}`);
    await page.getByRole('heading', { name: 'Messages' }).first().waitFor({ timeout: WAIT });
    expect(new URL(page.url()).pathname).toBe(`/messages/${conversationId}`);
  });

  it('says in words why notifications cannot be turned on when the browser has no push service', async () => {
    const page = await open();
    await signIn(page, gateway, user.email, false);
    await goto(page, gateway, '/settings', 'Settings');
    await page.getByRole('button', { name: 'Enable notifications' }).click();
    await see(page.getByRole('alert'), /could not reach its push service/);
    expect(await subscriptions()).toEqual([]);
    await page.getByRole('button', { name: 'Enable notifications' }).waitFor({ timeout: WAIT });
  });

  it('registers the browser subscription with Plaza, and signing out ends it on both sides', async () => {
    const page = await open();
    // A stand-in for the browser's push service: a subscription at an origin Plaza allows, with
    // real P-256 keys (Plaza checks them), and a record of `unsubscribe`.
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const json = {
      endpoint: `https://fcm.googleapis.com/fcm/send/web-${uniqueSuffix()}`,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    };
    await page.addInitScript(`(() => {
      const sub = ${JSON.stringify(json)};
      window.__unsubscribed = 0;
      const make = () => ({
        endpoint: sub.endpoint,
        toJSON: () => sub,
        unsubscribe: async () => {
          window.__unsubscribed += 1;
          window.__pushSub = null;
          return true;
        },
      });
      PushManager.prototype.subscribe = async () => (window.__pushSub = make());
      PushManager.prototype.getSubscription = async () => window.__pushSub ?? null;
    })()`);
    await signIn(page, gateway, user.email, false);
    await goto(page, gateway, '/settings', 'Settings');
    await page.getByRole('button', { name: 'Enable notifications' }).click();
    await see(page, 'On for this browser.');
    await shoot(page, 'settings-notifications');
    expect(await subscriptions()).toEqual([
      expect.objectContaining({ kind: 'webpush', origin: 'https://fcm.googleapis.com' }),
    ]);

    await page.getByRole('button', { name: 'Sign out here' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    await waitFor(async () => (await page.evaluate<number>('window.__unsubscribed')) === 1, {
      timeoutMs: WAIT,
      message: 'the browser subscription dropped',
    });
    expect(await subscriptions()).toEqual([]);
  });
});
