import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

describe('@plaza/client generated types', () => {
  it('are what `npm run client:generate` makes from libs/client/openapi.json', async () => {
    const root = join(__dirname, '..', '..', '..');
    const run = await promisify(execFile)(process.execPath, ['scripts/client-generate.mjs', '--check'], {
      cwd: root,
    }).catch((err: { code: number; stderr: string; stdout: string }) => err);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('current');
  }, 180_000);
});
