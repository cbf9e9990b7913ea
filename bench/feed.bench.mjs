// Feed: GET /api/feed through the gateway against a bare reference (plain Fastify + pg returning
// the same 20 posts by id) in the same run, then fan-out latency of a post by an author with
// 10,000 followers, into every follower's cached timeline and to every online follower's socket.
// Runs against dist/ (npm run build) and the local PostgreSQL/Redis; creates and drops its own database.
// Env: BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_USERS (seeded users), BENCH_REQUESTS (per run),
// BENCH_CONCURRENCY (requests in flight), BENCH_ONLINE (followers with an open socket), BENCH_FANOUT_POSTS,
// BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the gateway and apps).
// BENCH_DIST (a copy of dist/ inside the repository, for A/B runs).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { load, summary } from './stats.mjs';
import { createDatabase, dropDatabase, sleep, startPlatform } from './boot.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');
const Fastify = require('fastify');
const Redis = require('ioredis');
const { io } = require('socket.io-client');

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ONLINE = Number(process.env.BENCH_ONLINE ?? 200);
const FANOUT_POSTS = Number(process.env.BENCH_FANOUT_POSTS ?? 20);
const THRESHOLD = 10_000;
/** Posts on each side of the threshold: by ordinary authors the viewer follows, and by one heavy author. */
const POSTS_EACH_SIDE = 1000;
const VIEWER_FOLLOWS = 200;
const FOLLOWS_PER_USER = 40;
const PREFIX = `bench:feed:${process.pid}`;

/** Open loop at a fixed rate: latency as a client sees it when the server is not saturated. */
async function paced(n, perSecond, call) {
  const latencies = [];
  const interval = 1000 / perSecond;
  const start = performance.now();
  const inFlight = [];
  for (let i = 0; i < n; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        await call(i);
        latencies.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(inFlight);
  return summary(latencies, (performance.now() - start) / 1000);
}

async function request(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function register(gateway, tag) {
  const s = randomBytes(5).toString('hex');
  const body = await request('POST', `${gateway}/api/auth/register`, null, {
    email: `${tag}_${s}@bench.test`,
    password: 'bench password 123',
    handle: `${tag}_${s}`,
    displayName: `Bench ${tag}`,
  });
  return { id: body.user.id, token: body.accessToken };
}

/**
 * Seeds the feed's own read model directly (what the profiles events would have built): USERS
 * users following FOLLOWS_PER_USER others each, skewed towards low ids (a few popular authors);
 * the viewer follows VIEWER_FOLLOWS ordinary authors and one heavy author followed by everyone;
 * POSTS_EACH_SIDE posts by the ordinary authors and as many by the heavy one, over the last week.
 * The fan-out author and the online followers are real registered users.
 */
async function seed(pool, { viewerId, fanoutAuthorId, onlineIds }) {
  const t0 = performance.now();
  const user = (expr) => `md5('fb' || (${expr}))::uuid`;
  const heavy = user('0');
  await pool.query(
    `INSERT INTO feed.users (id, handle, display_name) SELECT ${user('i')}, 'fb_' || i, 'Feed Bench ' || i FROM generate_series(0, $1::int) i
     ON CONFLICT DO NOTHING`,
    [USERS],
  );
  // Skewed graph: the followee index is squared-random, so low ids collect most followers.
  await pool.query(
    `INSERT INTO feed.follows (follower_id, followee_id, active, changed_at)
     SELECT ${user('i')}, ${user('1 + floor(power(random(), 2) * $1)::int')}, true, now()
     FROM generate_series(1, $1::int) i, generate_series(1, $2::int) k
     ON CONFLICT DO NOTHING`,
    [USERS, FOLLOWS_PER_USER],
  );
  await pool.query(`DELETE FROM feed.follows WHERE follower_id = followee_id`);
  // Everyone follows the heavy author; every seeded user follows the fan-out author (10,000 followers).
  await pool.query(
    `INSERT INTO feed.follows (follower_id, followee_id, active, changed_at)
     SELECT ${user('i')}, x.id, true, now() FROM generate_series(1, $1::int) i, (VALUES (${heavy}), ($2::uuid)) x(id)
     ON CONFLICT DO NOTHING`,
    [USERS, fanoutAuthorId],
  );
  // Online followers (real accounts) follow the fan-out author too; the seeded ones make up the rest.
  const seededFollowers = USERS - onlineIds.length;
  await pool.query(
    `DELETE FROM feed.follows WHERE followee_id = $1 AND follower_id IN (SELECT ${user('i')} FROM generate_series($2::int + 1, $3::int) i)`,
    [fanoutAuthorId, seededFollowers, USERS],
  );
  await pool.query(
    `INSERT INTO feed.follows (follower_id, followee_id, active, changed_at) SELECT unnest($1::uuid[]), $2::uuid, true, now() ON CONFLICT DO NOTHING`,
    [onlineIds, fanoutAuthorId],
  );
  // The viewer: ordinary authors spread over the id range (followed, not heavy), and the heavy one.
  await pool.query(
    `INSERT INTO feed.follows (follower_id, followee_id, active, changed_at)
     SELECT $1::uuid, ${user('100 + k * 37')}, true, now() FROM generate_series(1, $2::int) k
     UNION ALL SELECT $1::uuid, ${heavy}, true, now()
     ON CONFLICT DO NOTHING`,
    [viewerId, VIEWER_FOLLOWS],
  );
  await pool.query(
    `INSERT INTO feed.posts (id, author_id, text, visibility, created_at)
     SELECT gen_random_uuid(), ${user('100 + (1 + (i % $2::int)) * 37')}, 'Ordinary post ' || i || ' ' || repeat('lorem ipsum ', 10),
       CASE WHEN i % 5 = 0 THEN 'connections' ELSE 'public' END,
       date_trunc('milliseconds', now() - (i * interval '10 minutes') / 1)
     FROM generate_series(1, $1::int) i
     UNION ALL
     SELECT gen_random_uuid(), ${heavy}, 'Heavy author post ' || i || ' ' || repeat('dolor sit amet ', 8), 'public',
       date_trunc('milliseconds', now() - (i * interval '10 minutes') - interval '5 minutes')
     FROM generate_series(1, $1::int) i`,
    [POSTS_EACH_SIDE, VIEWER_FOLLOWS],
  );
  // Some engagement so that counts are not all zero.
  await pool.query(
    `INSERT INTO feed.reactions (post_id, user_id, type)
     SELECT p.id, ${user('1 + (abs(hashtext(p.id::text)) + k) % $1::int')}, 'like' FROM feed.posts p, generate_series(1, 5) k ON CONFLICT DO NOTHING`,
    [USERS],
  );
  await pool.query(
    `UPDATE feed.users u SET follower_count = c.n FROM (SELECT followee_id, count(*)::int AS n FROM feed.follows WHERE active GROUP BY followee_id) c
     WHERE u.id = c.followee_id`,
  );
  await pool.query(
    `INSERT INTO feed.users (id, follower_count) SELECT followee_id, count(*) FROM feed.follows WHERE followee_id = $1 GROUP BY 1
     ON CONFLICT (id) DO UPDATE SET follower_count = EXCLUDED.follower_count`,
    [fanoutAuthorId],
  );
  await pool.query('ANALYZE feed.users, feed.follows, feed.posts, feed.reactions');
  const counts = (
    await pool.query(
      `SELECT (SELECT count(*)::int FROM feed.follows) AS follows, (SELECT count(*)::int FROM feed.posts) AS posts,
         (SELECT follower_count FROM feed.users WHERE id = ${heavy}) AS heavy_followers,
         (SELECT follower_count FROM feed.users WHERE id = $1) AS fanout_followers`,
      [fanoutAuthorId],
    )
  ).rows[0];
  return { seconds: +((performance.now() - t0) / 1000).toFixed(1), ...counts };
}

/**
 * The follows, as profiles would have written them into the safety graph (`sg:u:<id>:following`,
 * read by feed on every request) when they were made.
 */
async function seedSafetyGraph(pool, redis) {
  const { rows } = await pool.query(
    `SELECT follower_id, array_agg(followee_id) AS followees FROM feed.follows WHERE active GROUP BY follower_id`,
  );
  for (let i = 0; i < rows.length; i += 500) {
    const p = redis.pipeline();
    for (const r of rows.slice(i, i + 500)) p.sadd(`sg:u:${r.follower_id}:following`, ...r.followees);
    await p.exec();
  }
}

/** Bare reference: one Fastify route, one pg query returning the same 20 posts by id; no auth, no gateway. */
async function bareServer(databaseUrl, ids) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false });
  app.get('/feed', async () => {
    const { rows } = await pool.query(
      `SELECT p.id, p.author_id, u.handle, u.display_name, p.text, p.visibility, p.created_at
       FROM feed.posts p LEFT JOIN feed.users u ON u.id = p.author_id WHERE p.id = ANY($1::uuid[]) ORDER BY p.created_at DESC, p.id DESC`,
      [ids],
    );
    return { items: rows, nextCursor: null };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: async () => (await app.close(), await pool.end()) };
}

async function connectSocket(gateway, token) {
  const socket = io(gateway, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function fanOut(gateway, redis, author, followerIds, sockets) {
  // Followers' timelines must be warm for fan-out to write to them: mark them built (empty),
  // as they would be for users who read their feed recently.
  const warm = redis.pipeline();
  for (const id of followerIds) warm.zadd(`tl:${id}`, -1, '~');
  await warm.exec();

  const timelineMs = [];
  const socketMs = [];
  for (let n = 0; n < FANOUT_POSTS; n++) {
    const arrived = new Map();
    const waiting = new Promise((resolve) => {
      for (const s of sockets) {
        const handler = (p) => {
          if (p.text !== `fan-out ${n}`) return;
          s.off('feed:post', handler);
          arrived.set(s.id, performance.now());
          if (arrived.size === sockets.length) resolve();
        };
        s.on('feed:post', handler);
      }
    });
    const t0 = performance.now();
    const post = await request('POST', `${gateway}/api/posts`, author.token, { text: `fan-out ${n}` });
    // Every follower's timeline holds it: poll the ones still missing, in one pipeline per round.
    let missing = followerIds;
    while (missing.length) {
      const p = redis.pipeline();
      for (const id of missing) p.zscore(`tl:${id}`, post.id);
      const res = await p.exec();
      missing = missing.filter((_, i) => res[i][1] === null);
      if (missing.length) {
        if (performance.now() - t0 > 10_000)
          throw new Error(`post ${n} missing from ${missing.length} timelines after 10 s`);
        await sleep(2);
      }
    }
    timelineMs.push(performance.now() - t0);
    await Promise.race([
      waiting,
      sleep(10_000).then(() =>
        Promise.reject(new Error(`only ${arrived.size}/${sockets.length} sockets got post ${n}`)),
      ),
    ]);
    socketMs.push(Math.max(...arrived.values()) - t0);
    await sleep(250);
  }
  return { timeline: summary(timelineMs), sockets: summary(socketMs) };
}

async function main() {
  const startLoad = +loadavg()[0].toFixed(1);
  const db = await createDatabase('feed');
  // auth, profiles and feed behind one gateway, as `npm start` runs them.
  const platform = await startPlatform({
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    apps: ['auth', 'profiles', 'feed'],
    env: { EVENTS_STREAM_PREFIX: PREFIX, FEED_FANOUT_THRESHOLD: String(THRESHOLD) },
    nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  }).catch(async (err) => {
    await dropDatabase(db.name); // no platform: nothing else holds it
    throw err;
  });
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const redis = new Redis(REDIS_URL);
  const sockets = [];
  let bare;
  const results = {
    conditions: `${USERS} users (${FOLLOWS_PER_USER} follows each, skewed), ${POSTS_EACH_SIDE} posts by ordinary authors + ${POSTS_EACH_SIDE} by one author over the ${THRESHOLD}-follower threshold, ${REQUESTS} requests per run, ${CONCURRENCY} in flight, 1 gateway`,
  };
  try {
    const gateway = platform.gateway;
    const viewer = await register(gateway, 'viewer');
    const author = await register(gateway, 'author');
    const online = [];
    for (let i = 0; i < ONLINE; i += 10)
      online.push(
        ...(await Promise.all(Array.from({ length: Math.min(10, ONLINE - i) }, () => register(gateway, 'online')))),
      );
    results.seed = await seed(pool, {
      viewerId: viewer.id,
      fanoutAuthorId: author.id,
      onlineIds: online.map((u) => u.id),
    });
    await seedSafetyGraph(pool, redis);

    const feedUrl = `${gateway}/api/feed?limit=20`;
    const first = await request('GET', feedUrl, viewer.token);
    if (first.items.length !== 20) throw new Error(`the viewer's feed has ${first.items.length} posts`);
    results.firstPage = { heavyAuthorPosts: first.items.filter((p) => p.text.startsWith('Heavy')).length };
    bare = await bareServer(
      db.url,
      first.items.map((p) => p.id),
    );
    const bareUrl = `${bare.url}/feed`;

    // Warm-up (JIT, pools, caches), not reported.
    await load(300, CONCURRENCY, () => request('GET', feedUrl, viewer.token));
    await load(300, CONCURRENCY, () => request('GET', bareUrl));
    results.read = {
      gateway: await load(REQUESTS, CONCURRENCY, () => request('GET', feedUrl, viewer.token)),
      bare: await load(REQUESTS, CONCURRENCY, () => request('GET', bareUrl)),
    };
    const half = Math.max(1, Math.round(results.read.gateway.perSecond / 2));
    results.halfRate = {
      rate: half,
      gateway: await paced(Math.min(REQUESTS, half * 10), half, () => request('GET', feedUrl, viewer.token)),
    };
    // Deeper pages walk past the cache's 800 entries into PostgreSQL.
    let cursor = first.nextCursor;
    let pages = 1;
    const deep = performance.now();
    while (cursor && pages < 60) {
      const page = await request('GET', `${feedUrl}&cursor=${cursor}`, viewer.token);
      cursor = page.nextCursor;
      pages++;
    }
    results.walk = { pages, msPerPage: +((performance.now() - deep) / (pages - 1)).toFixed(2) };

    for (const u of online) sockets.push(await connectSocket(gateway, u.token));
    const followerIds = (
      await pool.query(`SELECT follower_id FROM feed.follows WHERE followee_id = $1 AND active`, [author.id])
    ).rows.map((r) => r.follower_id);
    results.fanout = {
      followers: followerIds.length,
      online: sockets.length,
      posts: FANOUT_POSTS,
      ...(await fanOut(gateway, redis, author, followerIds, sockets)),
    };
    results.ratios = {
      throughput: +(results.read.gateway.perSecond / results.read.bare.perSecond).toFixed(2),
      p50: +(results.read.gateway.p50 / results.read.bare.p50).toFixed(1),
      p99: +(results.read.gateway.p99 / results.read.bare.p99).toFixed(1),
    };
  } finally {
    for (const s of sockets) s.close();
    await bare?.close();
    await pool.end();
    await platform.stop();
    const keys = [...(await redis.keys('tl:*')), ...(await redis.keys('sg:u:*'))];
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    await redis.quit();
    if (process.env.BENCH_KEEP_DATABASE) console.error(`kept database ${db.url}`);
    else await dropDatabase(db.name);
  }
  results.loadAverage = { start: startLoad, end: +loadavg()[0].toFixed(1) };
  return results;
}

const results = await main();
const ms = (r) => `${r.p50} / ${r.p99} ms`;
console.log(
  [
    '### feed',
    '',
    `${results.conditions}; seeding took ${results.seed.seconds} s (${results.seed.follows} follow rows, ${results.seed.posts} posts); 1-min load average ${results.loadAverage.start} → ${results.loadAverage.end}.`,
    '',
    '| run | path | latency p50 / p99 | req/s |',
    '| --- | --- | --- | --- |',
    `| GET /api/feed?limit=20, saturated | gateway → feed (auth, cache + heavy-author merge, visibility) | ${ms(results.read.gateway)} | ${results.read.gateway.perSecond} |`,
    `| same 20 posts by id, saturated | bare Fastify + pg | ${ms(results.read.bare)} | ${results.read.bare.perSecond} |`,
    `| GET /api/feed at half the product's max rate (${results.halfRate.rate}/s) | gateway → feed | ${ms(results.halfRate.gateway)} | ${results.halfRate.gateway.perSecond} |`,
    '',
    `Throughput ratio product / bare: ${results.ratios.throughput}; p50 ×${results.ratios.p50}, p99 ×${results.ratios.p99}. Walking ${results.walk.pages} pages: ${results.walk.msPerPage} ms per page.`,
    '',
    `Fan-out, author with ${results.fanout.followers} followers (${results.fanout.online} online), ${results.fanout.posts} posts: in every follower's timeline ${ms(results.fanout.timeline)} (max ${results.fanout.timeline.max}); on every online follower's socket ${ms(results.fanout.sockets)} (max ${results.fanout.sockets.max}), measured from the POST.`,
  ].join('\n'),
);
console.log(JSON.stringify({ bench: 'feed', ...results }, null, 2));
process.exit(0);
