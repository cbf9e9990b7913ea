// The reference web client's first load, against a bare page, in ONE run on this machine.
//
//   size:     bytes of what the first load fetches (index.html and the JS and CSS it references),
//             raw and gzip-compressed (level 9 minus nothing: what a gzip proxy would send).
//   load:     a fresh Chromium context per run (cold cache) opens the sign-in page over loopback;
//             "interactive" is the moment the Sign in button exists and is enabled, read inside the
//             page (performance.now(), polled every animation frame), so it includes download,
//             parse, compile and React's first render. DOMContentLoaded and first contentful paint
//             are reported beside it.
//   bare:     the same measure on a page with a plain HTML form and no JavaScript, served by the
//             same server: the floor this machine and browser give; the ratio is the client's cost.
//
// Both are served by one plain node:http static server on 127.0.0.1 (the gateway serves the same
// bytes with @fastify/static). Env: BENCH_WEB_RUNS (15), CHROMIUM_PATH (/usr/bin/chromium).
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import { chromium } from 'playwright-core';

const ROOT = new URL('..', import.meta.url).pathname;
const WEB = join(ROOT, 'dist', 'web');
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 15);
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const index = readFileSync(join(WEB, 'index.html'), 'utf8');
const referenced = [...index.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
const files = { 'index.html': Buffer.from(index) };
for (const f of referenced) files[f] = readFileSync(join(WEB, f));
const all = readdirSync(join(WEB, 'assets'));
const size = (names) => {
  let raw = 0;
  let gz = 0;
  for (const n of names) {
    raw += files[n].length;
    gz += gzipSync(files[n], { level: 9 }).length;
  }
  return { raw, gz };
};
const js = size(referenced.filter((f) => f.endsWith('.js')));
const css = size(referenced.filter((f) => f.endsWith('.css')));
const html = size(['index.html']);

const BARE = Buffer.from(
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bare</title></head><body>' +
    '<form><label>Email <input type="email"></label><label>Password <input type="password"></label>' +
    '<button type="submit">Sign in</button></form></body></html>',
);
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8' };
const server = createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/bare') return res.writeHead(200, { 'content-type': TYPES['.html'] }).end(BARE);
  const name = path === '/' || path === '/signin' ? 'index.html' : path.slice(1);
  const body = files[name];
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: FLAGS,
  headless: true,
});
const measure = async (path) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}${path}`, { waitUntil: 'commit' });
  const interactive = await page.waitForFunction(
    () => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Sign in');
      return b && !b.disabled ? performance.now() : null;
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  const tti = await interactive.jsonValue();
  const [dcl, fcp] = await page.evaluate(() => [
    performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0,
    performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
  ]);
  await context.close();
  return { tti, dcl, fcp };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { product: [], bare: [] };
await measure('/signin'); // warm the browser process itself
await measure('/bare');
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so a burst of load from elsewhere hits both.
  results.product.push(await measure('/signin'));
  results.bare.push(await measure('/bare'));
}
await browser.close();
server.close();

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const row = (name, rs) =>
  `| ${name} | ${median(rs.map((r) => r.tti)).toFixed(0)} ms | ${median(rs.map((r) => r.dcl)).toFixed(0)} ms | ${median(rs.map((r) => r.fcp)).toFixed(0)} ms |`;
console.log(
  `load average at start: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (${os.cpus().length} cores)`,
);
console.log(`files of the build: ${all.length}; first load fetches: ${referenced.join(', ')}`);
console.log('\n| first load | raw | gzip |\n| --- | --- | --- |');
console.log(`| JS | ${kb(js.raw)} | ${kb(js.gz)} |`);
console.log(`| CSS | ${kb(css.raw)} | ${kb(css.gz)} |`);
console.log(`| HTML | ${kb(html.raw)} | ${kb(html.gz)} |`);
console.log(
  `\n| page (median of ${RUNS}, cold cache) | interactive | DOMContentLoaded | first paint |\n| --- | --- | --- | --- |`,
);
console.log(row('web client sign-in', results.product));
console.log(row('bare HTML form', results.bare));
const ratio = median(results.product.map((r) => r.tti)) / median(results.bare.map((r) => r.tti));
console.log(`\ninteractive, client / bare: ${ratio.toFixed(2)}×`);
