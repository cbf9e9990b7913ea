// `npm run schema:check`: composes the subgraphs of this checkout into the supergraph and
//  1. fails when they do not compose (the same composition the schema registry runs);
//  2. fails when the client-facing schema differs from the committed `schema.graphql`
//     (`npm run schema:check -- --write` updates it after a deliberate change);
//  3. with DATABASE_URL (and REDIS_URL) set, asks that platform's schema registry whether each
//     subgraph would be accepted: a breaking change to a field in use is refused there.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const require = createRequire(import.meta.url);
const { parse, print } = require('graphql');
const { composeSupergraph, SchemaRegistry } = require(join(ROOT, 'dist', 'libs', 'graphql', 'src'));

const SUBGRAPHS = {
  auth: ['apps/auth/src/graphql/auth.schema.js', 'AUTH_SDL'],
  feed: ['apps/feed/src/graphql/feed.schema.js', 'FEED_SDL'],
  messaging: ['apps/messaging/src/graphql/messaging.schema.js', 'MESSAGING_SDL'],
  profiles: ['apps/profiles/src/graphql/profiles.schema.js', 'PROFILES_SDL'],
};
const write = process.argv.includes('--write');
const services = Object.entries(SUBGRAPHS).map(([name, [file, symbol]]) => ({
  name,
  url: `http://${name}/graphql`,
  sdl: print(parse(require(join(ROOT, 'dist', file))[symbol])),
}));

const result = composeSupergraph(services);
if (result.errors) {
  console.error('The subgraphs do not compose:');
  for (const e of result.errors) console.error(`  - ${e}`);
  process.exit(1);
}
const file = join(ROOT, 'schema.graphql');
const committed = (() => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
})();
if (write) {
  writeFileSync(file, `${result.publicSdl.trim()}\n`);
  console.log(`schema.graphql written (${services.length} subgraphs)`);
} else if (committed.trim() !== result.publicSdl.trim()) {
  console.error(
    'schema.graphql differs from the composed supergraph: run `npm run schema:check -- --write` and commit it.',
  );
  process.exit(1);
} else {
  console.log(`composition ok; schema.graphql is up to date (${services.length} subgraphs)`);
}

if (process.env.DATABASE_URL) {
  const Redis = require('ioredis');
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { lazyConnect: true }) : undefined;
  const registry = new SchemaRegistry({
    databaseUrl: process.env.DATABASE_URL,
    redis,
    keyPrefix: process.env.EVENTS_STREAM_PREFIX ?? 'plaza:events',
  });
  let refused = false;
  try {
    for (const service of services) {
      const verdict = await registry.check(service);
      if (verdict.status === 'refused') {
        refused = true;
        console.error(`registry would refuse ${service.name}:\n  - ${verdict.reasons.join('\n  - ')}`);
      } else {
        console.log(`registry would accept ${service.name}`);
      }
    }
  } finally {
    await registry.close();
    redis?.disconnect();
  }
  if (refused) process.exit(1);
}
