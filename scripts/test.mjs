// `npm test`: every suite, in two Jest runs. The resilience scenarios each start a whole platform
// of their own and kill parts of it, so they run one at a time after the rest; running them
// beside the other suites on 2 cores starves the shared platform and makes both flaky.
// Arguments (`npm test -- apps/auth`) run one Jest with them instead.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const run = (args) => spawnSync(process.execPath, [jest, ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;

const args = process.argv.slice(2);
if (args.length) process.exit(run(args));
const main = run(['--testPathIgnorePatterns', '/test/resilience/']);
const resilience = run(['--runInBand', 'test/resilience']);
process.exit(main || resilience);
