// What `npm start` and `npm run dev` need to know to skip a build: a hash of everything the build
// reads (sources, tsconfigs, the lock file), compared with the one build.sh recorded in dist/.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './lib.mjs';

const INPUTS = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
export const HASH_FILE = join(ROOT, 'dist', '.build-hash');

function* files(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry === 'test' || entry.startsWith('.')) continue;
    yield* files(join(path, entry));
  }
}

/** Content hash of the build's inputs (~1 MB of text: a few tens of ms). Tests and specs excluded. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(ROOT, input))) {
      if (/\.(spec|e2e-spec)\.ts$/.test(file)) continue;
      hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

export function buildIsCurrent() {
  return existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8').trim() === sourceHash();
}

// `node scripts/build-state.mjs` prints the hash (build.sh records it).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) process.stdout.write(sourceHash());
