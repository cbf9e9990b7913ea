import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  connectUsers,
  grantRole,
  openConversation,
  registerUser,
  sharedPlatform,
  TEST_PASSWORD,
  type TestUser,
  uniqueSuffix,
} from '@plaza/testing';
import { goto, launchBrowser, SCREENS, see, shoot, signIn, WAIT } from './web.helpers';

/**
 * The reference web client (apps/web, served by each gateway at `/`) in a real headless Chromium:
 * two users in two browser contexts on the shared platform's two gateways. Screens are
 * photographed into docs/screens/ as the journeys pass through them.
 */
jest.setTimeout(120_000);

describe('web client in a browser', () => {
  const { gateways, api, env } = sharedPlatform();
  const s = uniqueSuffix();
  const ana = {
    email: `ana_${s}@example.test`,
    handle: `ana_${s}`.slice(0, 30),
    name: `Ana ${s.slice(0, 6)}`,
  };
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let a: Page; // Ana, on gateway 1
  let b: Page; // Ben, on gateway 2
  let aUser: TestUser;
  let ben: TestUser;
  let cy: TestUser;
  let admin: TestUser;
  let conversationId: string;
  let adminReady: Promise<void>;

  const party = (u: TestUser) => ({ id: u.user.id, token: u.accessToken });
  const open = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    const apiA = api[0];
    [browser, ben, cy, admin] = await Promise.all([
      launchBrowser(),
      registerUser(apiA, { displayName: `Ben ${s.slice(0, 6)}` }),
      registerUser(apiA, { displayName: `Cy ${s.slice(0, 6)}` }),
      registerUser(apiA, { displayName: `Admin ${s.slice(0, 6)}` }),
    ]);
    // The operator CLI boots a whole app: let it run while the first journeys do.
    adminReady = grantRole(env, admin.email, 'admin');
    adminReady.catch(() => undefined);
  });

  afterEach(async () => {
    if (process.env.WEB_DEBUG) {
      await a?.screenshot({ path: `/tmp/web-a-${Date.now()}.png` }).catch(() => undefined);
      await b?.screenshot({ path: `/tmp/web-b-${Date.now()}.png` }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    contexts = [];
    await browser?.close();
  });

  it('signs up keeping the tokens in localStorage, and signs in for this tab only in sessionStorage', async () => {
    a = await open();
    await a.goto(`${gateways[0]}/signup`);
    await a.getByLabel('Name').fill(ana.name);
    await a.getByLabel('Handle').fill(ana.handle);
    await a.getByLabel('Email').fill(ana.email);
    await a.getByLabel('Password').fill(TEST_PASSWORD);
    await a.getByLabel('Keep me signed in').check();
    await shoot(a, 'sign-up');
    await a.getByRole('button', { name: 'Create account' }).click();
    await a.getByRole('heading', { name: 'Home' }).waitFor({ timeout: WAIT });
    expect(await a.evaluate('localStorage.getItem("plaza.auth") !== null')).toBe(true);

    b = await open();
    await b.goto(`${gateways[1]}/signin`);
    await b.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    await shoot(b, 'sign-in');
    await signIn(b, gateways[1], ben.email, false);
    expect(await b.evaluate('sessionStorage.getItem("plaza.auth") !== null')).toBe(true);
    expect(await b.evaluate('localStorage.getItem("plaza.auth")')).toBeNull();

    // The graph the next journeys need, made over the API: Ana connected with Ben and with Cy.
    const stored = JSON.parse(await a.evaluate<string>('localStorage.getItem("plaza.auth")'));
    const me = await api[0].get('/api/auth/me', { token: stored.accessToken });
    aUser = { ...ben, user: me.body, accessToken: stored.accessToken, email: ana.email };
    await connectUsers(api[0], party(aUser), party(ben));
    await connectUsers(api[0], party(cy), party(aUser));
    const post = await api[0].post('/api/posts', { text: `Cy's hello ${s}` }, { token: cy.accessToken });
    expect(post.status).toBe(201);
    conversationId = await openConversation(api[0], party(aUser), [ben.user.id]);
  });

  it("shows Ana's new post in Ben's feed without a reload", async () => {
    await goto(b, gateways[1], '/', 'Home');
    await goto(a, gateways[0], '/', 'Home');
    await a.getByLabel('Share something').fill(`Live from Ana ${s}`);
    await a.getByRole('button', { name: 'Post', exact: true }).click();
    await see(b, `Live from Ana ${s}`);
    await shoot(b, 'home-feed');
  });

  it('shows "Ana is typing…" to Ben, then the message and its read receipt', async () => {
    await goto(b, gateways[1], `/messages/${conversationId}`, 'Messages');
    await goto(a, gateways[0], `/messages/${conversationId}`, 'Messages');
    const composer = a.getByLabel('Message', { exact: true });
    await composer.pressSequentially('Hi Ben');
    await see(b, `${ana.name} is typing…`);
    await composer.press('Enter');
    await see(b, 'Hi Ben');
    // Ben's open conversation reads it, and Ana sees that.
    await see(a, `Seen by ${ben.user.displayName}`);
    await shoot(b, 'conversation');
  });

  it('delivers what Ben missed while offline once each, in order, when he comes back', async () => {
    await b.context().setOffline(true);
    await see(b, 'You are offline');
    const composer = a.getByLabel('Message', { exact: true });
    for (const text of [`one ${s}`, `two ${s}`, `three ${s}`]) {
      await composer.fill(text);
      await composer.press('Enter');
      await see(a.locator('.messages'), text);
    }
    await b.context().setOffline(false);
    await see(b, `three ${s}`);
    const texts = await b.locator('.messages .bubble').allTextContents();
    expect(texts.filter((t) => t.endsWith(s))).toEqual([`one ${s}`, `two ${s}`, `three ${s}`]);
    expect(await b.getByText('You are offline').count()).toBe(0);
  });

  it("takes Ben's other browser back to sign-in when he signs it out from the sessions list", async () => {
    // Ben's only sessions are now his two browsers' (registration opened one for the API).
    expect((await api[0].post('/api/auth/logout', undefined, { token: ben.accessToken })).status).toBe(204);
    const other = await open();
    await signIn(other, gateways[0], ben.email, true);
    await goto(b, gateways[1], '/settings', 'Settings');
    const signOut = b.getByRole('button', { name: /^Sign out .*last active/ });
    await signOut.waitFor({ timeout: WAIT });
    expect(await signOut.count()).toBe(1);
    await shoot(b, 'settings-sessions');
    await signOut.click();
    await other.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    await see(other, 'You were signed out of this device');
    expect(await other.evaluate('localStorage.getItem("plaza.auth")')).toBeNull();
    // Ben's own tab is still signed in.
    await b.getByRole('heading', { name: 'Settings' }).waitFor({ timeout: WAIT });
  });

  it('hides a blocked user from search, the feed and the conversation composer', async () => {
    await goto(a, gateways[0], `/search?q=${cy.user.handle}`, 'Search people');
    await see(a.getByRole('list', { name: 'Results' }), cy.user.displayName);
    await goto(a, gateways[0], '/', 'Home');
    await see(a, `Cy's hello ${s}`);
    await goto(a, gateways[0], '/messages', 'Messages');
    await a.getByRole('button', { name: 'New conversation' }).click();
    await see(a.getByRole('form', { name: 'New conversation' }), cy.user.displayName);

    await goto(a, gateways[0], `/u/${cy.user.handle}`, cy.user.displayName);
    // A connection: the presence dot says Cy has no socket open.
    await a.getByRole('img', { name: `${cy.user.displayName} is offline` }).waitFor({ timeout: WAIT });
    await shoot(a, 'profile');
    await a.getByRole('button', { name: 'Block' }).click();
    await a.getByRole('button', { name: 'Unblock' }).waitFor({ timeout: WAIT });

    await goto(a, gateways[0], `/search?q=${cy.user.handle}`, 'Search people');
    await see(a, 'No one found.');
    await goto(a, gateways[0], '/', 'Home');
    await see(a, `Live from Ana ${s}`);
    expect(await a.getByText(`Cy's hello ${s}`).count()).toBe(0);
    await goto(a, gateways[0], '/messages', 'Messages');
    await a.getByRole('button', { name: 'New conversation' }).click();
    const form = a.getByRole('form', { name: 'New conversation' });
    await see(form, ben.user.displayName);
    expect(await form.getByText(cy.user.displayName).count()).toBe(0);
  });

  it('shows notifications with the unread badge', async () => {
    await goto(a, gateways[0], '/notifications', 'Notifications');
    await see(a, 'accepted your request to connect');
    await a.getByRole('link', { name: /Notifications.*unread/ }).waitFor({ timeout: WAIT });
    await shoot(a, 'notifications');
  });

  it('lets an admin grant a role and shows it in the audit log', async () => {
    await adminReady;
    const page = await open();
    await signIn(page, gateways[1], admin.email, false);
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor({ timeout: WAIT });
    await page.getByLabel('Find users by email, handle or name').fill(ben.email);
    await page.getByRole('button', { name: 'Find' }).click();
    const moderator = page.getByLabel(`moderator role for ${ben.user.displayName}`);
    await moderator.click();
    // Saved once the row is editable again, still checked.
    const saved = page.locator('fieldset:not([disabled])').getByRole('checkbox', {
      name: `moderator role for ${ben.user.displayName}`,
      checked: true,
    });
    await saved.waitFor({ timeout: WAIT });
    await shoot(page, 'admin-users');
    await page.getByRole('link', { name: 'Audit log' }).click();
    const row = page.getByRole('row').filter({ hasText: 'user.roles_changed' }).filter({ hasText: 'moderator' });
    await row.first().waitFor({ timeout: WAIT });
    await shoot(page, 'admin-audit');
    // Ana, without the permissions, has no Admin link.
    expect(await a.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
  });

  it('loads each page with one GraphQL request, besides the shell (who am I, unread count)', async () => {
    const pages: [string, string, string][] = [
      ['/', 'Home', 'Home'],
      [`/u/${ben.user.handle}`, ben.user.displayName, 'Profile'],
      ['/notifications', 'Notifications', 'Notifications'],
      [`/messages/${conversationId}`, 'Messages', 'Messages'],
    ];
    for (const [path, heading, operation] of pages) {
      const graphql: string[] = [];
      const rest: string[] = [];
      const record = (req: { url(): string; method(): string; postDataJSON(): any }) => {
        const url = new URL(req.url());
        if (url.pathname === '/graphql') graphql.push(/query (\w+)/.exec(req.postDataJSON().query)?.[1] ?? '?');
        else if (url.pathname.startsWith('/api/')) rest.push(`${req.method()} ${url.pathname}`);
      };
      a.on('request', record);
      await goto(a, gateways[0], path, heading);
      await a.waitForLoadState('networkidle');
      a.off('request', record);
      // The shell: GET /api/auth/me (permissions, which GraphQL does not expose) and the unread count.
      expect(rest).toEqual(['GET /api/auth/me']);
      expect(graphql.sort()).toEqual([...new Set(['Notifications', operation])].sort());
    }
  });

  it('works from the keyboard: skip link first, each page announces its heading', async () => {
    await goto(a, gateways[0], '/', 'Home');
    const focused = () => a.evaluate<string>('document.activeElement?.textContent?.trim() ?? ""');
    // A page that opens takes focus on its heading, so a screen reader announces it.
    expect(await focused()).toBe('Home');
    // From the top of the page: the skip link, then the brand and the main navigation, in order.
    await a.getByRole('link', { name: 'Skip to content' }).focus();
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      order.push(await focused());
      await a.keyboard.press('Tab');
    }
    expect(order).toEqual(['Skip to content', 'Plaza', 'Home', 'Search', 'Network', 'Messages']);
    await a.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Messages');
    await a.keyboard.press('Enter');
    await a.getByRole('heading', { name: 'Messages' }).first().waitFor({ timeout: WAIT });
    await a.waitForFunction('document.activeElement?.tagName === "H1"', undefined, { timeout: WAIT });
    expect(await focused()).toBe('Messages');
  });
});
