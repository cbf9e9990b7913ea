import { basename, dirname, sep } from 'node:path';

/** `OTEL_TRACES_EXPORTER` unset or `none` means no tracing at all, as the OpenTelemetry spec wants it off here. */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  return exportersOf(env).length > 0;
}

export function exportersOf(env: NodeJS.ProcessEnv): string[] {
  const names = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return names.includes('none') ? [] : names;
}

/**
 * `OTEL_SERVICE_NAME`, else the app the process runs (`…/apps/<app>/src/main.js`), so every app
 * needs no setting of its own; `plaza` for anything else.
 */
export function serviceNameOf(env: NodeJS.ProcessEnv, entry = process.argv[1] ?? ''): string {
  if (env.OTEL_SERVICE_NAME) return env.OTEL_SERVICE_NAME;
  const parts = dirname(entry).split(sep);
  const at = parts.lastIndexOf('apps');
  if (at >= 0 && parts[at + 2] === 'src' && basename(entry).startsWith('main.')) return parts[at + 1];
  return 'plaza';
}
