// Latency figures the HTTP benches share (feed, profiles). Not a bench itself.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** The p-th percentile of an ascending array. */
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** `pct` of milliseconds as the report shows them: two decimals; null for no samples. */
export const pctMs = (sorted, p) => (sorted.length ? +pct(sorted, p).toFixed(2) : null);

/** `{ n, p50, p99, max }` in ms (two decimals), and `perSecond` when the run's `seconds` are given. */
export function summary(latencies, seconds) {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: +pct(s, 50).toFixed(2),
    p99: +pct(s, 99).toFixed(2),
    max: +s[s.length - 1].toFixed(2),
    ...(seconds ? { perSecond: Math.round(s.length / seconds) } : {}),
  };
}

/** Closed loop: `concurrency` workers issue `n` calls in total (a call that throws ends the run). */
export async function load(n, concurrency, call) {
  const latencies = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await call(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return summary(latencies, (performance.now() - start) / 1000);
}

/** CPU time (user + system) of a process, in ms; 0 once it is gone. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // CLK_TCK = 100 on Linux
  } catch {
    return 0;
  }
}
