// GraphQL (issue #18): the home page as ONE GraphQL request against the REST calls a client makes
// for the same page, sequential and parallel, same data, same run, on this machine's loopback.
//
//   page:       me (profile + account email), the home feed (20 posts by 10 authors, each author's
//               headline and online state), 10 notifications with their actors and the unread
//               count, 10 conversations with their members and last message, 5 suggestions.
//   graphql:    POST /graphql with that query, through a gateway with the JavaScript planner
//               (GRAPHQL_PLANNER=js) and through one with the Rust planner (=rust).
//   REST:       what a client calls for the same data. Round 1: GET /api/auth/me,
//               /api/profiles/me, /api/feed, /api/notifications, /api/conversations,
//               /api/profiles/me/suggestions; round 2 (needs the feed): GET /api/profiles/:handle
//               per distinct author (headline) and GET /api/presence?userIds=… (online).
//               "parallel": each round's calls at once (2 dependent round trips);
//               "sequential": one call after the other.
//   measured:   per page: latency (p50/p99), HTTP requests, dependent round trips, response bytes,
//               and server CPU (user + system of the gateway and the four apps, from /proc) per page.
//   network:    loopback hides round-trip time; on a real network each dependent round trip adds
//               its RTT (50–100 ms on mobile/long-haul links), so the modelled page time is
//               loopback time + round trips × RTT. Printed for 50 and 100 ms.
//
// Variants run interleaved in rounds (a burst of load from elsewhere hits all of them), one page at
// a time (one client). Runs against dist/ (npm run build) and the local PostgreSQL/Redis; creates
// and drops its own database. Env: BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_GRAPHQL_PAGES
// (pages per variant, 400), BENCH_GRAPHQL_ROUNDS (10).
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createDatabase, dropDatabase, freePort, startApp, stopChild } from './boot.mjs';
import { cpuMs, pct } from './stats.mjs';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const PAGES = Number(process.env.BENCH_GRAPHQL_PAGES ?? 400);
const ROUNDS = Number(process.env.BENCH_GRAPHQL_ROUNDS ?? 10);
const AUTHORS = 10;
const POSTS_PER_AUTHOR = 2;
const DOMAIN_APPS = ['auth', 'profiles', 'feed', 'messaging'];

const HOME = `query Home {
  me { id handle displayName headline email }
  feed(first: 20) {
    edges { cursor node { id text createdAt commentCount viewerReaction reactionCounts { type count }
      author { id handle displayName headline online } } }
    pageInfo { hasNextPage endCursor }
  }
  notifications(first: 10) { unreadCount edges { node { id type read createdAt subjectId actor { id handle displayName } } } }
  conversations(first: 10) { edges { node { id type title unreadCount members { id handle displayName }
    lastMessage { id seq text createdAt sender { id handle } } } } }
  suggestions(first: 5) { id handle displayName headline }
}`;

/** auth, profiles, feed, messaging and two gateways (JavaScript and Rust planners) from dist/, as `npm start` runs them. */
async function startPlatform(databaseUrl) {
  const ports = {};
  for (const name of [...DOMAIN_APPS, 'js', 'rust']) ports[name] = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_TOKEN: randomBytes(32).toString('hex'),
    AUTH_PORT: String(ports.auth),
    PROFILES_PORT: String(ports.profiles),
    FEED_PORT: String(ports.feed),
    MESSAGING_PORT: String(ports.messaging),
    EVENTS_STREAM_PREFIX: `bench:graphql:${process.pid}`,
    REGISTER_RATE_LIMIT: '1000000',
    API_RATE_LIMIT: '100000000',
  };
  const children = [];
  const stop = () => Promise.all(children.map((c) => stopChild(c)));
  const gateway = (planner) =>
    startApp('gateway', {
      env: { ...env, GATEWAY_PORT: String(ports[planner]), GRAPHQL_PLANNER: planner },
      port: ports[planner],
      children,
    });
  try {
    const apps = await Promise.all(DOMAIN_APPS.map((app) => startApp(app, { env, port: ports[app], children })));
    const appPids = apps.map((c) => c.pid);
    const js = await gateway('js');
    const rust = await gateway('rust');
    return {
      js: { url: `http://127.0.0.1:${ports.js}`, pids: [js.pid, ...appPids] },
      rust: { url: `http://127.0.0.1:${ports.rust}`, pids: [rust.pid, ...appPids] },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One HTTP call; answers its JSON and the bytes of its body as received. */
async function call(base, method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const buf = Buffer.from(await res.arrayBuffer());
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${buf.toString().slice(0, 300)}`);
  return { json: buf.length ? JSON.parse(buf.toString()) : undefined, bytes: buf.length };
}

async function register(base, tag) {
  const s = `${tag}${randomBytes(4).toString('hex')}`;
  const { json } = await call(base, 'POST', '/api/auth/register', undefined, {
    email: `${s}@bench.test`,
    password: 'bench password 123',
    handle: s,
    displayName: `Bench ${s}`,
  });
  // The profile exists once profiles has handled user.registered (as a client waits after sign-up).
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${base}/api/profiles/${s}`, { headers: { authorization: `Bearer ${json.accessToken}` } });
    if (res.status === 200) break;
    if (tries > 300) throw new Error(`profile of ${s} answered ${res.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await call(base, 'PATCH', '/api/profiles/me', json.accessToken, { headline: `Headline of ${s}` });
  return { id: json.user.id, token: json.accessToken, handle: s };
}

/** A reader connected to and following 10 authors (2 posts each), a conversation with each, suggestions. */
async function seed(base) {
  const reader = await register(base, 'reader');
  const authors = [];
  for (let i = 0; i < AUTHORS; i++) authors.push(await register(base, `author${i}_`));
  const outsiders = [];
  for (let i = 0; i < 5; i++) outsiders.push(await register(base, `friend${i}_`));
  const connect = async (a, b) => {
    const { json } = await call(base, 'POST', '/api/connections/requests', a.token, { userId: b.id });
    await call(base, 'POST', `/api/connections/requests/${json.id}/accept`, b.token);
  };
  for (const [i, a] of authors.entries()) {
    await connect(a, reader);
    await call(base, 'PUT', `/api/follows/${a.id}`, reader.token);
    await connect(a, outsiders[i % outsiders.length]); // second degree: suggestions for the reader
    const { json: conversation } = await call(base, 'POST', '/api/conversations', a.token, { memberIds: [reader.id] });
    await call(base, 'POST', `/api/conversations/${conversation.id}/messages`, a.token, {
      text: `Hello from ${a.handle}`,
      clientMsgId: randomUUID(),
    });
    for (let k = 0; k < POSTS_PER_AUTHOR; k++) {
      await call(base, 'POST', '/api/posts', a.token, {
        text: `Post ${k} by ${a.handle}: ${'lorem ipsum '.repeat(8)}`,
      });
    }
  }
  return reader;
}

const graphqlPage = (base, token) => async () => {
  const { json, bytes } = await call(base, 'POST', '/graphql', token, { query: HOME });
  if (json.errors) throw new Error(`GraphQL errors: ${JSON.stringify(json.errors).slice(0, 500)}`);
  return { data: json.data, requests: 1, roundTrips: 1, bytes };
};

/** The REST calls of the page; `parallel` runs each dependency round at once. */
const restPage = (base, token, parallel) => async () => {
  let requests = 0;
  let bytes = 0;
  const get = async (path) => {
    const r = await call(base, 'GET', path, token);
    requests += 1;
    bytes += r.bytes;
    return r.json;
  };
  const round = async (paths) => {
    if (parallel) return Promise.all(paths.map(get));
    const out = [];
    for (const p of paths) out.push(await get(p));
    return out;
  };
  const [account, me, feed, notifications, conversations, suggestions] = await round([
    '/api/auth/me',
    '/api/profiles/me',
    '/api/feed?limit=20',
    '/api/notifications?limit=10',
    '/api/conversations?limit=10',
    '/api/profiles/me/suggestions?limit=5',
  ]);
  const authors = [...new Map(feed.items.map((p) => [p.author.id, p.author])).values()];
  const second = await round([
    ...authors.map((a) => `/api/profiles/${encodeURIComponent(a.handle)}`),
    `/api/presence?userIds=${authors.map((a) => a.id).join(',')}`,
  ]);
  const presence = second.pop();
  return {
    data: { account, me, feed, notifications, conversations, suggestions, profiles: second, presence },
    requests,
    roundTrips: parallel ? 2 : requests,
    bytes,
  };
};

/** The two answers hold the same page: same posts, authors' headlines, notifications, conversations. */
function checkSameData(gql, rest) {
  const same = (what, a, b) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      throw new Error(`${what} differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  };
  same(
    'posts',
    gql.feed.edges.map((e) => e.node.id),
    rest.feed.items.map((p) => p.id),
  );
  same(
    'headlines',
    [...new Set(gql.feed.edges.map((e) => e.node.author.headline))].sort(),
    rest.profiles.map((p) => p.headline).sort(),
  );
  same(
    'notifications',
    gql.notifications.edges.map((e) => e.node.id),
    rest.notifications.items.map((n) => n.id),
  );
  same('unread', gql.notifications.unreadCount, rest.notifications.unreadCount);
  same(
    'conversations',
    gql.conversations.edges.map((e) => e.node.id),
    rest.conversations.items.map((c) => c.id),
  );
  same(
    'suggestions',
    gql.suggestions.map((s) => s.id),
    rest.suggestions.items.map((s) => s.userId ?? s.id),
  );
  same('email', gql.me.email, rest.account.email);
  if (gql.feed.edges.length !== AUTHORS * POSTS_PER_AUTHOR) throw new Error(`feed has ${gql.feed.edges.length} posts`);
}

async function main() {
  const load = os.loadavg().map((l) => l.toFixed(1));
  const db = await createDatabase('graphql');
  const platform = await startPlatform(db.url);
  try {
    const reader = await seed(platform.js.url);
    const variants = {
      'GraphQL, JavaScript planner': { run: graphqlPage(platform.js.url, reader.token), pids: platform.js.pids },
      'GraphQL, Rust planner': { run: graphqlPage(platform.rust.url, reader.token), pids: platform.rust.pids },
      'REST, parallel': { run: restPage(platform.js.url, reader.token, true), pids: platform.js.pids },
      'REST, sequential': { run: restPage(platform.js.url, reader.token, false), pids: platform.js.pids },
    };
    // Events settle: the page is complete, and both sides show the same data.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const g = (await variants['GraphQL, JavaScript planner'].run()).data;
        checkSameData(g, (await variants['REST, parallel'].run()).data);
        checkSameData(
          (await variants['GraphQL, Rust planner'].run()).data,
          (await variants['REST, sequential'].run()).data,
        );
        if (g.notifications.edges.length >= AUTHORS && g.suggestions.length) break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const v of Object.values(variants)) for (let i = 0; i < 30; i++) await v.run(); // warm-up
    const stats = Object.fromEntries(Object.keys(variants).map((k) => [k, { lat: [], cpu: 0, page: null }]));
    const perRound = Math.ceil(PAGES / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, v] of Object.entries(variants)) {
        const cpu0 = v.pids.reduce((s, p) => s + cpuMs(p), 0);
        for (let i = 0; i < perRound; i++) {
          const t0 = performance.now();
          const page = await v.run();
          stats[k].lat.push(performance.now() - t0);
          stats[k].page = page;
        }
        stats[k].cpu += v.pids.reduce((s, p) => s + cpuMs(p), 0) - cpu0;
      }
    }
    const rows = {};
    for (const [k, s] of Object.entries(stats)) {
      const sorted = [...s.lat].sort((a, b) => a - b);
      rows[k] = {
        pages: sorted.length,
        requests: s.page.requests,
        roundTrips: s.page.roundTrips,
        bytes: s.page.bytes,
        p50: pct(sorted, 50),
        p99: pct(sorted, 99),
        cpuMsPerPage: s.cpu / sorted.length,
      };
    }
    const endLoad = os.loadavg().map((l) => l.toFixed(1));
    console.log(
      `load average (1, 5, 15 min) at start: ${load.join(' ')}; at end: ${endLoad.join(' ')} (${os.cpus().length} cores)`,
    );
    console.log(
      `page: ${AUTHORS * POSTS_PER_AUTHOR} posts by ${AUTHORS} authors, 10 notifications, 10 conversations, 5 suggestions; ${PAGES} pages per variant in ${ROUNDS} interleaved rounds, one client, loopback\n`,
    );
    console.log(
      '| variant | HTTP requests | dependent round trips | response bytes | p50 | p99 | server CPU per page | modelled at 50 ms RTT | at 100 ms RTT |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const [k, r] of Object.entries(rows)) {
      console.log(
        `| ${k} | ${r.requests} | ${r.roundTrips} | ${r.bytes.toLocaleString('en')} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.cpuMsPerPage.toFixed(1)} ms | ${(r.p50 + 50 * r.roundTrips).toFixed(0)} ms | ${(r.p50 + 100 * r.roundTrips).toFixed(0)} ms |`,
      );
    }
    const par = rows['REST, parallel'];
    for (const k of ['GraphQL, JavaScript planner', 'GraphQL, Rust planner']) {
      const g = rows[k];
      console.log(
        `\n${k} / REST parallel: p50 ${(g.p50 / par.p50).toFixed(2)}×, p99 ${(g.p99 / par.p99).toFixed(2)}× (goal ≤ 1.3× → ${g.p99 <= 1.3 * par.p99 ? 'met' : 'NOT met'}), bytes ${(g.bytes / par.bytes).toFixed(2)}×, server CPU ${(g.cpuMsPerPage / par.cpuMsPerPage).toFixed(2)}×`,
      );
    }
  } finally {
    await platform.stop();
    await dropDatabase(db.name);
  }
}

await main();
