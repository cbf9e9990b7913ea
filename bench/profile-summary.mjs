// Summarises V8 CPU profiles (`node --cpu-prof`, e.g. through a bench's BENCH_NODE_ARGS): the
// share of busy time (idle excluded) by function (self time) and by package, for BENCHMARKS.md.
// Usage: node bench/profile-summary.mjs <file.cpuprofile>… [--top 15]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 15;
if (!args.length) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile>… [--top N]');
  process.exit(2);
}

/** `node_modules/<pkg>` (scoped too), `node:` internals, V8 pseudo-frames, or our own code. */
function packageOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (m) return m[m.length - 1].slice('node_modules/'.length);
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (url.includes('/dist/')) return 'plaza';
  return url;
}

for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // Sample counts weighted by their time deltas (µs).
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  const byPackage = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    busy += us;
    const where = callFrame.url ? `${callFrame.url.split('/').slice(-2).join('/')}:${callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = packageOf(callFrame.url, name);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / busy).toFixed(1)} %`;
  const list = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${pct(us).padStart(7)}  ${k}`)
      .join('\n');
  console.log(`${file}: ${(busy / 1000).toFixed(0)} ms busy`);
  console.log(`by package:\n${list(byPackage)}`);
  console.log(`by function (self):\n${list(byFunction)}\n`);
}
