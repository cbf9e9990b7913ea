// `npm run dev`: the platform of `npm start`, rebuilt and restarted when a source under apps/ or
// libs/ changes (PostgreSQL, Redis and their data stay up). A build that fails keeps the running
// apps as they were and prints the compiler's errors.
import { spawn, spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import { join } from 'node:path';
import { buildIsCurrent } from './build-state.mjs';
import { checkNodeVersion, ROOT } from './lib.mjs';

const log = (msg) => process.stdout.write(`[plaza dev] ${msg}\n`);
const build = () => spawnSync('bash', ['scripts/build.sh'], { cwd: ROOT, stdio: 'inherit' }).status === 0;

checkNodeVersion({ warn: true });
if (!buildIsCurrent() && !build()) process.exit(1);
const platform = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { cwd: ROOT, stdio: 'inherit' });
platform.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => platform.kill(signal));

let timer;
let building = false;
let again = false;
const rebuild = () => {
  if (building) {
    again = true;
    return;
  }
  building = true;
  log('change seen: building…');
  const ok = buildIsCurrent() || build();
  building = false;
  if (ok) platform.kill('SIGUSR2');
  else log('build failed: the apps keep running the previous build');
  if (again) {
    again = false;
    rebuild();
  }
};
for (const dir of ['apps', 'libs']) {
  watch(join(ROOT, dir), { recursive: true }, (_event, file) => {
    if (!file || !file.endsWith('.ts') || /\.(e2e-)?spec\.ts$/.test(file) || file.includes('/test/')) return;
    clearTimeout(timer);
    timer = setTimeout(rebuild, 300);
  });
}
log('watching apps/ and libs/ for changes');
