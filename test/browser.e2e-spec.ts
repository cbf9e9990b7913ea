import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { freePort, mainFile, registerMember, sharedPlatform, TEST_PASSWORD, waitFor } from '@plaza/testing';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Headless Debian chromium as root in a container: no sandbox, no GPU, no background traffic.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--no-first-run',
];

/** The page a web client developer writes (docs/first-calls.md): plain fetch and socket.io-client. */
const PAGE = `<!doctype html><html><body><script src="/socket.io.min.js"></script><script>
window.run = async (gateway, email, password, followeeId) => {
  const steps = {};
  const json = { 'content-type': 'application/json' };
  const login = await fetch(gateway + '/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ email, password }) });
  steps.login = login.status;
  const { accessToken } = await login.json();
  const auth = { ...json, authorization: 'Bearer ' + accessToken };
  const patch = await fetch(gateway + '/api/profiles/me', { method: 'PATCH', headers: auth, body: JSON.stringify({ headline: 'Edited in a browser' }) });
  steps.patch = patch.status;
  steps.headline = (await patch.json()).headline;
  // A generic fetch wrapper: Content-Type on every call, no body where none is taken.
  steps.follow = (await fetch(gateway + '/api/follows/' + followeeId, { method: 'PUT', headers: auth })).status;
  steps.unfollow = (await fetch(gateway + '/api/follows/' + followeeId, { method: 'DELETE', headers: auth })).status;
  steps.requestId = login.headers.get('x-request-id') !== null;
  steps.socket = await new Promise((resolve) => {
    const socket = io(gateway, { auth: (send) => send({ token: accessToken }), transports: ['websocket'], reconnection: false });
    socket.on('connect', () => { socket.disconnect(); resolve('connected'); });
    socket.on('connect_error', (err) => resolve(err.message));
  });
  return steps;
};
</script></body></html>`;

describe('a web page on another origin, in headless Chromium', () => {
  const platform = sharedPlatform();
  let page: Server;
  let pageOrigin: string;
  let gateway: ChildProcess;
  let gatewayUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    // The page is served like a dev server would (another port = another origin).
    const pagePort = await freePort();
    pageOrigin = `http://localhost:${pagePort}`;
    const bundle = readFileSync(join(__dirname, '../node_modules/socket.io-client/dist/socket.io.min.js'));
    page = createServer((req, res) => {
      if (req.url === '/socket.io.min.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }).listen(pagePort, '127.0.0.1');
    // A gateway of the shared platform whose ALLOWED_ORIGINS names that origin.
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    gateway = spawn(process.execPath, [mainFile('gateway')], {
      env: {
        ...process.env,
        ...platform.env,
        GATEWAY_PORT: String(port),
        ALLOWED_ORIGINS: pageOrigin,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    gateway.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    gateway.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    // Generous: a gateway takes seconds to start, minutes on a machine as loaded as a shared CI box.
    await waitFor(
      async () => {
        if (gateway.exitCode !== null) throw new Error(`gateway exited: ${output.join('').slice(-2000)}`);
        return (await fetch(`${gatewayUrl}/health/ready`).catch(() => null))?.ok;
      },
      { timeoutMs: 180_000, intervalMs: 200, message: 'gateway with the page origin allowed' },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    gateway?.kill('SIGTERM');
    page?.close();
  });

  it('signs in, PATCHes the profile, PUTs a follow and DELETEs it, and opens a socket', async () => {
    const me = await registerMember(platform.api[0]);
    const other = await registerMember(platform.api[0]);
    const tab = await browser.newPage();
    await tab.goto(`${pageOrigin}/`);
    const steps = await tab.evaluate(
      ([gw, email, password, followee]) => (globalThis as any).run(gw, email, password, followee),
      [gatewayUrl, me.email, TEST_PASSWORD, other.id],
    );
    expect(steps).toEqual({
      login: 200,
      patch: 200,
      headline: 'Edited in a browser',
      follow: 204,
      unfollow: 204,
      requestId: true,
      socket: 'connected',
    });
    const profile = await platform.api[0].get(`/api/profiles/${other.handle}`, { token: me.token });
    expect(profile.body.relationship.following).toBe(false);
  }, 60_000);

  it('a page on an origin not allowed is refused by CORS, and its socket gets origin_not_allowed', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${pageOrigin}/`);
    const outcome = await tab.evaluate(async (gw) => {
      const api = await fetch(`${gw}/api/auth/login`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
        .then((r) => `status ${r.status}`)
        .catch(() => 'blocked');
      const socket = await new Promise((resolve) => {
        const s = (globalThis as any).io(gw, { transports: ['websocket'], reconnection: false, auth: { token: 'x' } });
        s.on('connect', () => resolve('connected'));
        s.on('connect_error', (err: Error) => resolve(err.message));
      });
      return { api, socket };
    }, platform.gateways[0]);
    expect(outcome).toEqual({ api: 'blocked', socket: 'origin_not_allowed' });
  }, 60_000);
});
