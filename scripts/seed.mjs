// `npm run seed`: fills the running platform with demo data through the gateway's public API, as
// a client would: people with profiles, connections and follows, posts with comments and
// reactions, a direct and a group conversation with history. Idempotent: people sign in when they
// exist, posts and messages carry idempotency keys, comments and the group are looked up first.
// Target: PLAZA_URL, else http://localhost:<GATEWAY_PORT or 3000> (.env is read like npm start).
import { loadEnv } from './lib.mjs';

const env = loadEnv();
const BASE = env.PLAZA_URL ?? `http://localhost:${env.GATEWAY_PORT ?? 3000}`;
export const DEMO_PASSWORD = 'plaza-demo-lantern-harbor-42';

const PEOPLE = [
  ['ada', 'Ada Lovelace', 'Analyst of engines', 'London', ['mathematics', 'algorithms']],
  ['grace', 'Grace Hopper', 'Compiler pioneer', 'Arlington', ['compilers', 'cobol', 'teaching']],
  ['alan', 'Alan Turing', 'Computability and codes', 'Manchester', ['logic', 'cryptography']],
  ['katherine', 'Katherine Johnson', 'Trajectories, by hand and by machine', 'Hampton', ['orbital mechanics']],
  ['linus', 'Linus Torvalds', 'Kernel maintainer', 'Portland', ['c', 'git', 'kernels']],
  ['margaret', 'Margaret Hamilton', 'Software engineering, the name and the thing', 'Boston', ['flight software']],
  ['tim', 'Tim Berners-Lee', 'Hypertext for everyone', 'Geneva', ['http', 'html', 'web']],
  ['radia', 'Radia Perlman', 'Spanning trees and routing', 'Seattle', ['networking', 'protocols']],
];
const CONNECTIONS = [
  ['ada', 'grace'],
  ['ada', 'alan'],
  ['grace', 'alan'],
  ['grace', 'katherine'],
  ['alan', 'katherine'],
  ['linus', 'tim'],
  ['tim', 'radia'],
  ['margaret', 'katherine'],
  ['ada', 'margaret'],
];
const FOLLOWS = [
  ['linus', 'ada'],
  ['radia', 'grace'],
  ['tim', 'alan'],
  ['margaret', 'linus'],
  ['katherine', 'tim'],
  ['ada', 'radia'],
];
const POSTS = [
  ['ada', 'p1', 'The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.'],
  ['grace', 'p1', 'The most dangerous phrase in the language is "we have always done it this way".'],
  ['alan', 'p1', 'We can only see a short distance ahead, but we can see plenty there that needs to be done.'],
  ['katherine', 'p1', 'Like what you do, and then you will do your best.'],
  ['linus', 'p1', 'Talk is cheap. Show me the code.'],
  ['margaret', 'p1', 'There was no choice but to be pioneers.', 'connections'],
  ['tim', 'p1', 'This is for everyone.'],
  ['radia', 'p1', 'I think that I shall never see a graph more lovely than a tree.'],
  ['ada', 'p2', 'Imagination is the discovering faculty, pre-eminently.'],
];
const COMMENTS = [
  ['grace', 'ada', 'p1', 'And then someone has to write the compiler.'],
  ['alan', 'ada', 'p1', 'Patterns all the way down.'],
  ['ada', 'grace', 'p1', 'Entirely agree.'],
  ['tim', 'linus', 'p1', 'And a patch, please.'],
  ['radia', 'tim', 'p1', 'For everyone, over every link.'],
];
const REACTIONS = [
  ['grace', 'ada', 'p1', 'celebrate'],
  ['alan', 'ada', 'p1', 'insightful'],
  ['linus', 'ada', 'p1', 'like'],
  ['ada', 'grace', 'p1', 'support'],
  ['katherine', 'alan', 'p1', 'like'],
  ['tim', 'linus', 'p1', 'like'],
  ['ada', 'radia', 'p1', 'insightful'],
  ['katherine', 'margaret', 'p1', 'celebrate'],
];
const DIRECT = [
  ['ada', 'Grace, have you seen the new loom cards?'],
  ['grace', 'I have. They would make a fine test suite.'],
  ['ada', 'Shall we try them on the engine tomorrow?'],
  ['grace', 'Bring coffee. I will bring the bugs.'],
];
const GROUP_TITLE = 'Engine room';
const GROUP = [
  ['ada', 'Welcome to the engine room.'],
  ['alan', 'Is this channel computable?'],
  ['grace', 'Only if someone writes the compiler for it.'],
];

async function call(method, path, { token, body, ok = [200, 201, 204] } = {}) {
  const headers = {
    ...(token && { authorization: `Bearer ${token}` }),
    ...(body && { 'content-type': 'application/json' }),
  };
  const res = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!ok.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return { status: res.status, body: json };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function retry(what, fn, tries = 40) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw new Error(`${what}: ${err.message}`);
      await sleep(250);
    }
  }
}

/**
 * Signs a demo person in, registering them first when they do not exist yet. Sign-in comes first
 * so that running the seed again spends no registration (REGISTER_RATE_LIMIT, 20 per hour per IP).
 */
async function signIn([handle, displayName]) {
  const email = `${handle}@demo.plaza.test`;
  const login = await call('POST', '/api/auth/login', { body: { email, password: DEMO_PASSWORD }, ok: [200, 401] });
  const auth =
    login.status === 200
      ? login.body
      : (await call('POST', '/api/auth/register', { body: { email, password: DEMO_PASSWORD, handle, displayName } }))
          .body;
  return { handle, email, id: auth.user.id, token: auth.accessToken };
}

async function main() {
  await retry(
    `no Plaza gateway answers at ${BASE} (start it with \`npm start\`)`,
    async () => {
      const res = await fetch(`${BASE}/health/ready`);
      if (!res.ok) throw new Error(`ready answered ${res.status}`);
    },
    120,
  );
  const people = {};
  for (const person of PEOPLE) people[person[0]] = await signIn(person);
  for (const [handle, , headline, location, skills] of PEOPLE) {
    // The profile is created from the registration event: it may take a moment to exist.
    await retry(`profile of ${handle}`, () =>
      call('PATCH', '/api/profiles/me', { token: people[handle].token, body: { headline, location, skills } }),
    );
  }
  for (const [a, b] of CONNECTIONS) {
    const [from, to] = [people[a], people[b]];
    await call('POST', '/api/connections/requests', {
      token: from.token,
      body: { userId: to.id },
      ok: [200, 201, 409],
    });
    const incoming = await call('GET', '/api/connections/requests?direction=incoming&limit=100', { token: to.token });
    for (const request of incoming.body.items.filter((r) => r.fromUserId === from.id)) {
      await call('POST', `/api/connections/requests/${request.id}/accept`, { token: to.token });
    }
  }
  for (const [a, b] of FOLLOWS) await call('PUT', `/api/follows/${people[b].id}`, { token: people[a].token });

  const posts = {};
  for (const [handle, key, text, visibility = 'public'] of POSTS) {
    const res = await call('POST', '/api/posts', {
      token: people[handle].token,
      body: { text, visibility, idempotencyKey: `seed-${handle}-${key}` },
    });
    posts[`${handle}/${key}`] = res.body.id;
  }
  for (const [who, author, key, text] of COMMENTS) {
    const postId = posts[`${author}/${key}`];
    const existing = await call('GET', `/api/posts/${postId}/comments?limit=100`, { token: people[who].token });
    if (existing.body.items.some((c) => c.author.id === people[who].id && c.text === text)) continue;
    await call('POST', `/api/posts/${postId}/comments`, { token: people[who].token, body: { text } });
  }
  for (const [who, author, key, type] of REACTIONS) {
    await call('PUT', `/api/posts/${posts[`${author}/${key}`]}/reactions`, {
      token: people[who].token,
      body: { type },
    });
  }

  const { ada, grace, alan } = people;
  const direct = await call('POST', '/api/conversations', { token: ada.token, body: { memberIds: [grace.id] } });
  let n = 0;
  for (const [who, text] of DIRECT) {
    await call('POST', `/api/conversations/${direct.body.id}/messages`, {
      token: people[who].token,
      body: { text, clientMsgId: `seed-direct-${n++}` },
    });
  }
  const mine = await call('GET', '/api/conversations?limit=100', { token: ada.token });
  const group =
    mine.body.items.find((c) => c.type === 'group' && c.title === GROUP_TITLE) ??
    (
      await call('POST', '/api/conversations', {
        token: ada.token,
        body: { memberIds: [grace.id, alan.id], title: GROUP_TITLE },
      })
    ).body;
  n = 0;
  for (const [who, text] of GROUP) {
    await call('POST', `/api/conversations/${group.id}/messages`, {
      token: people[who].token,
      body: { text, clientMsgId: `seed-group-${n++}` },
    });
  }

  process.stdout.write(`\nPlaza demo data is in ${BASE}. Sign in as any of (password ${DEMO_PASSWORD}):\n\n`);
  for (const [handle, displayName] of PEOPLE) {
    process.stdout.write(`  ${people[handle].email.padEnd(28)} ${displayName}\n`);
  }
  process.stdout.write(
    `\nTry: curl -s -X POST ${BASE}/api/auth/login -H 'content-type: application/json' -d '{"email":"ada@demo.plaza.test","password":"${DEMO_PASSWORD}"}'\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`[seed] ${err.message}\n`);
  process.exit(1);
});
