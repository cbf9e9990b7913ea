// Profiles: profile read, search and suggestions through the gateway with 100,000 seeded profiles,
// against a bare reference in the same run: plain Fastify + pg answering the core query of each
// (lookup by handle; trigram substring match ordered by handle; second-degree ranking), without
// auth, gateway, block filters or relationships.
// Runs against dist/ (npm run build) and the local PostgreSQL/Redis; creates and drops its own database.
// Env: BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL, BENCH_PROFILES (seeded profiles), BENCH_REQUESTS (per run),
// BENCH_CONCURRENCY (requests in flight), BENCH_KEEP_DATABASE=1 (keep the seeded database for EXPLAIN).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { load } from './stats.mjs';
import { createDatabase, dropDatabase, startPlatform } from './boot.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');
const Fastify = require('fastify');

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const PROFILES = Number(process.env.BENCH_PROFILES ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const VIEWER_CONNECTIONS = 500;
const SECOND_DEGREE_PER_CONNECTION = 100;

const FIRST = [
  'maria',
  'john',
  'wei',
  'fatima',
  'carlos',
  'anna',
  'li',
  'olga',
  'ahmed',
  'sofia',
  'james',
  'yuki',
  'pedro',
  'nina',
  'omar',
  'lea',
  'ivan',
  'sara',
  'kofi',
  'mia',
];
const LAST = [
  'silva',
  'smith',
  'chen',
  'khan',
  'garcia',
  'novak',
  'kim',
  'ivanova',
  'haddad',
  'rossi',
  'brown',
  'tanaka',
  'costa',
  'berg',
  'ali',
  'meyer',
  'petrov',
  'cohen',
  'mensah',
  'larsen',
  'dubois',
  'nowak',
  'sato',
  'lopez',
  'walker',
];
const TITLES = [
  'Software engineer',
  'Data scientist',
  'Product manager',
  'Designer',
  'Site reliability engineer',
  'Recruiter',
  'Sales lead',
  'Marketing manager',
  'Engineering manager',
  'Security analyst',
  'Accountant',
  'Nurse',
  'Teacher',
  'Architect',
  'Lawyer',
];
const COMPANIES = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark Industries',
  'Wayne Enterprises',
  'Wonka',
  'Cyberdyne',
  'Soylent',
  'Tyrell',
  'Aperture',
  'Vandelay',
  'Pied Piper',
  'Massive Dynamic',
];
const SKILLS = [
  'TypeScript',
  'PostgreSQL',
  'Kubernetes',
  'React',
  'Python',
  'Go',
  'Rust',
  'Java',
  'SQL',
  'Figma',
  'Negotiation',
  'Public speaking',
  'Excel',
  'Terraform',
  'AWS',
  'Machine learning',
  'Leadership',
  'Copywriting',
  'Accounting',
  'Kotlin',
  'Swift',
  'GraphQL',
  'Redis',
  'Node.js',
  'Docker',
  'Linux',
  'Statistics',
  'Tableau',
  'SEO',
  'Scrum',
];

async function getOk(url, token) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return body;
}

async function registerViewer(gateway) {
  const s = randomBytes(5).toString('hex');
  const res = await fetch(`${gateway}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `viewer_${s}@bench.test`,
      password: 'bench password 123',
      handle: `viewer_${s}`,
      displayName: 'Bench Viewer',
    }),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Seeded user i has id md5('bench' || i)::uuid and handle bench_<i>. */
async function seed(pool, viewerId) {
  const t0 = performance.now();
  await pool.query(
    `INSERT INTO profiles.profiles (user_id, handle, display_name, headline, location, skills)
     SELECT md5('bench' || i)::uuid, 'bench_' || i,
       initcap(($2::text[])[i % cardinality($2::text[]) + 1] || ' ' || ($3::text[])[(i / cardinality($2::text[])) % cardinality($3::text[]) + 1]),
       ($4::text[])[(i * 7) % cardinality($4::text[]) + 1] || ' at ' || ($5::text[])[(i * 13) % cardinality($5::text[]) + 1],
       'City ' || (i % 300),
       ARRAY[($6::text[])[i % cardinality($6::text[]) + 1], ($6::text[])[(i * 7 + 3) % cardinality($6::text[]) + 1], ($6::text[])[(i * 31 + 11) % cardinality($6::text[]) + 1]]
     FROM generate_series(1, $1::int) AS i`,
    [PROFILES, FIRST, LAST, TITLES, COMPANIES, SKILLS],
  );
  const profilesSeconds = (performance.now() - t0) / 1000;
  // The viewer is connected to seeded users 1..500; each of those to 100 others further out.
  await pool.query(
    `WITH edges AS (
       SELECT $1::uuid AS a, md5('bench' || k)::uuid AS b FROM generate_series(1, $2::int) k
       UNION ALL
       SELECT md5('bench' || k)::uuid, md5('bench' || ($2 + 1 + ((k * 7919 + j * 104729) % ($3::int - $2))))::uuid
       FROM generate_series(1, $2::int) k, generate_series(0, $4::int - 1) j
     )
     INSERT INTO profiles.connections (user_id, peer_id)
     SELECT a, b FROM edges UNION SELECT b, a FROM edges
     ON CONFLICT DO NOTHING`,
    [viewerId, VIEWER_CONNECTIONS, PROFILES, SECOND_DEGREE_PER_CONNECTION],
  );
  // Follows come with connections; a sprinkling of blocks keeps the block filters honest.
  await pool.query(
    `INSERT INTO profiles.follows (follower_id, followee_id) SELECT user_id, peer_id FROM profiles.connections ON CONFLICT DO NOTHING`,
  );
  await pool.query(
    `INSERT INTO profiles.blocks (blocker_id, blocked_id)
     SELECT md5('bench' || i)::uuid, md5('bench' || (i * 37 % $1::int + 1))::uuid FROM generate_series(1, $1::int, 50) i
     WHERE i <> i * 37 % $1::int + 1 ON CONFLICT DO NOTHING`,
    [PROFILES],
  );
  await pool.query(
    `UPDATE profiles.profiles p SET connection_count = c.n, follower_count = c.n, following_count = c.n
     FROM (SELECT user_id, count(*)::int AS n FROM profiles.connections GROUP BY user_id) c WHERE p.user_id = c.user_id`,
  );
  await pool.query('ANALYZE profiles.profiles, profiles.connections, profiles.follows, profiles.blocks');
  const [{ n }] = (await pool.query(`SELECT count(*)::int AS n FROM profiles.connections`)).rows;
  return {
    profilesSeconds: +profilesSeconds.toFixed(1),
    totalSeconds: +((performance.now() - t0) / 1000).toFixed(1),
    connectionRows: n,
  };
}

/** Bare reference: one Fastify route, one pg query, no auth, no gateway. */
async function bareServer(databaseUrl) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false });
  app.get('/profiles/:handle', async (req, reply) => {
    const { rows } = await pool.query(
      `SELECT user_id, handle, display_name, headline, bio, location, skills, connection_count, follower_count, following_count
       FROM profiles.profiles WHERE handle = $1`,
      [req.params.handle],
    );
    if (!rows[0]) return reply.code(404).send({ statusCode: 404 });
    return rows[0];
  });
  app.get('/search', async (req) => {
    const { rows } = await pool.query(
      `SELECT user_id, handle, display_name, headline FROM profiles.profiles WHERE search_text LIKE $1 ORDER BY handle LIMIT 21`,
      [`%${req.query.q}%`],
    );
    return { items: rows };
  });
  app.get('/suggestions/:userId', async (req) => {
    const { rows } = await pool.query(
      `SELECT c2.peer_id, count(*)::int AS mutual FROM profiles.connections c1
       JOIN profiles.connections c2 ON c2.user_id = c1.peer_id
       WHERE c1.user_id = $1 AND c2.peer_id <> $1
         AND NOT EXISTS (SELECT 1 FROM profiles.connections x WHERE x.user_id = $1 AND x.peer_id = c2.peer_id)
       GROUP BY c2.peer_id ORDER BY mutual DESC, c2.peer_id LIMIT 21`,
      [req.params.userId],
    );
    return { items: rows };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: async () => (await app.close(), await pool.end()) };
}

const SEARCHES = {
  'common headline word ("engineer")': 'engineer',
  'first name ("maria")': 'maria',
  'skill ("kubernetes")': 'kubernetes',
  'exact handle': null,
  'two-letter prefix ("ma")': 'ma',
};

async function main() {
  const startLoad = +loadavg()[0].toFixed(1);
  const db = await createDatabase('profiles');
  // auth and profiles behind one gateway, as `npm start` runs them.
  const platform = await startPlatform({
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    apps: ['auth', 'profiles'],
    env: { EVENTS_STREAM_PREFIX: `bench:profiles:${process.pid}` },
  });
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const bare = await bareServer(db.url);
  const results = {
    conditions: `${PROFILES} profiles, ${REQUESTS} requests per run, ${CONCURRENCY} in flight, 1 gateway`,
  };
  try {
    const gateway = platform.gateway;
    const viewer = await registerViewer(gateway);
    const token = viewer.accessToken;
    await getOk(`${gateway}/api/profiles/me`, token);
    results.seed = await seed(pool, viewer.user.id);

    const handle = (i) => `bench_${((i * 7919) % PROFILES) + 1}`;
    // Warm-up (JIT, pools, caches), not reported.
    await load(300, CONCURRENCY, (i) => getOk(`${gateway}/api/profiles/${handle(i)}`, token));
    await load(300, CONCURRENCY, (i) => getOk(`${bare.url}/profiles/${handle(i)}`, token));

    results.read = {
      gateway: await load(REQUESTS, CONCURRENCY, (i) => getOk(`${gateway}/api/profiles/${handle(i)}`, token)),
      bare: await load(REQUESTS, CONCURRENCY, (i) => getOk(`${bare.url}/profiles/${handle(i)}`, token)),
    };

    results.search = {};
    for (const [label, q] of Object.entries(SEARCHES)) {
      const query = (i) => q ?? handle(i);
      const n = Math.max(200, Math.round(REQUESTS / 5));
      const first = JSON.parse(await getOk(`${gateway}/api/profiles?q=${encodeURIComponent(query(0))}`, token));
      results.search[label] = {
        firstPage: first.items.length,
        gateway: await load(n, CONCURRENCY, (i) =>
          getOk(`${gateway}/api/profiles?q=${encodeURIComponent(query(i))}`, token),
        ),
        bare: await load(n, CONCURRENCY, (i) => getOk(`${bare.url}/search?q=${encodeURIComponent(query(i))}`, token)),
      };
    }

    const suggestionsUrl = `${gateway}/api/profiles/me/suggestions`;
    const firstSuggestions = JSON.parse(await getOk(suggestionsUrl, token));
    const candidates = (
      await pool.query(
        `SELECT count(DISTINCT c2.peer_id)::int AS n FROM profiles.connections c1 JOIN profiles.connections c2 ON c2.user_id = c1.peer_id
         WHERE c1.user_id = $1 AND c2.peer_id <> $1`,
        [viewer.user.id],
      )
    ).rows[0].n;
    results.suggestions = {
      viewerConnections: VIEWER_CONNECTIONS,
      secondDegreeCandidates: candidates,
      topMutual: firstSuggestions.items.length,
      gateway: await load(Math.max(100, Math.round(REQUESTS / 10)), Math.min(CONCURRENCY, 4), () =>
        getOk(suggestionsUrl, token),
      ),
      bare: await load(Math.max(100, Math.round(REQUESTS / 10)), Math.min(CONCURRENCY, 4), () =>
        getOk(`${bare.url}/suggestions/${viewer.user.id}`, token),
      ),
    };
    results.ratios = {
      readP50: +(results.read.gateway.p50 / results.read.bare.p50).toFixed(1),
      readP99: +(results.read.gateway.p99 / results.read.bare.p99).toFixed(1),
      readThroughput: +(results.read.gateway.perSecond / results.read.bare.perSecond).toFixed(2),
      suggestionsP50: +(results.suggestions.gateway.p50 / results.suggestions.bare.p50).toFixed(1),
    };
  } finally {
    await bare.close();
    await pool.end();
    await platform.stop();
    if (process.env.BENCH_KEEP_DATABASE) console.error(`kept database ${db.url}`);
    else await dropDatabase(db.name);
  }
  results.loadAverage = { start: startLoad, end: +loadavg()[0].toFixed(1) };
  return results;
}

const results = await main();
const ms = (r) => `${r.p50} / ${r.p99} ms`;
const lines = [
  '### profiles',
  '',
  `${results.conditions}; seeding took ${results.seed.totalSeconds} s (${results.seed.connectionRows} connection rows); 1-min load average ${results.loadAverage.start} → ${results.loadAverage.end}.`,
  '',
  '| run | path | latency p50 / p99 | req/s |',
  '| --- | --- | --- | --- |',
  `| profile read | gateway → profiles (auth, relationship) | ${ms(results.read.gateway)} | ${results.read.gateway.perSecond} |`,
  `| profile read | bare Fastify + pg | ${ms(results.read.bare)} | ${results.read.bare.perSecond} |`,
  ...Object.entries(results.search).flatMap(([label, r]) => [
    `| search: ${label} | gateway → profiles | ${ms(r.gateway)} | ${r.gateway.perSecond} |`,
    `| search: ${label} | bare Fastify + pg | ${ms(r.bare)} | ${r.bare.perSecond} |`,
  ]),
  `| suggestions (${results.suggestions.viewerConnections} connections, ${results.suggestions.secondDegreeCandidates} second-degree) | gateway → profiles | ${ms(results.suggestions.gateway)} | ${results.suggestions.gateway.perSecond} |`,
  `| suggestions | bare Fastify + pg (aggregation only) | ${ms(results.suggestions.bare)} | ${results.suggestions.bare.perSecond} |`,
];
console.log(lines.join('\n'));
console.log(JSON.stringify({ bench: 'profiles', ...results }, null, 2));
process.exit(0);
