// Runs every bench/*.bench.mjs one after the other (never in parallel: they would measure each
// other) and prints their results. `npm run bench` builds first; the scripts run against dist/.
// Pass names to run a subset: `node bench/run.mjs events gateway`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => !only.length || only.includes(f.replace('.bench.mjs', '')))
  .sort();

const failed = [];
for (const script of scripts) {
  process.stdout.write(`\n## ${script}\n\n`);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, script)], {
      stdio: 'inherit',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  process.stdout.write(`\n(${script}: exit ${code}, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  if (code !== 0) failed.push(script);
}
if (failed.length) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
