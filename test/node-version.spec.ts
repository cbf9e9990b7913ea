import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** README "Run it" states the Node decision; package.json `engines`, the lock file and the Docker image must follow it. */
describe('the supported Node version', () => {
  const root = join(__dirname, '..');
  const read = (file: string): string => readFileSync(join(root, file), 'utf8');
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const floor = /^>=(\d+)\.(\d+)$/.exec(engines);

  it('is a floor in package.json engines, recorded the same in the lock file', () => {
    expect(floor).not.toBeNull();
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node: string } }> };
    expect(lock.packages[''].engines?.node).toBe(engines);
  });

  it('is the one the README states', () => {
    expect(read('README.md')).toContain(`Needs Node.js ${floor![1]}.${floor![2]} or newer`);
    expect(read('README.md')).toContain(`\`engines\` in \`package.json\` is \`${engines}\``);
  });

  it('is met by every stage of the Docker image, on an LTS line (even major)', () => {
    const majors = [...read('Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
    expect(majors.length).toBeGreaterThan(0);
    for (const major of majors) {
      expect(major).toBeGreaterThanOrEqual(Number(floor![1]));
      expect(major % 2).toBe(0);
    }
  });
});
