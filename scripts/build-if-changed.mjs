// `npm start` / `npm run dev`: build only when the sources changed since the last build.
import { spawnSync } from 'node:child_process';
import { buildIsCurrent } from './build-state.mjs';
import { checkNodeVersion, ROOT } from './lib.mjs';

checkNodeVersion({ warn: true });

if (process.env.PLAZA_FORCE_BUILD !== '1' && buildIsCurrent()) {
  process.stdout.write('[plaza] build is current (sources unchanged): skipping it\n');
} else {
  process.stdout.write('[plaza] building…\n');
  const built = spawnSync('bash', ['scripts/build.sh'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(built.status ?? 1);
}
