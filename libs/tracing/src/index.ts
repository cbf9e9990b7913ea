/**
 * Imported first by every app's `main.ts`: instrumentations patch `http`, `undici`, `pg` and
 * `ioredis` only when registered before those modules load. Off unless `OTEL_TRACES_EXPORTER`
 * names an exporter: then the SDK (and its modules) is never even loaded.
 */
import { tracingEnabled } from './tracing.env';

if (tracingEnabled(process.env)) {
  // A lazy require keeps the SDK out of the process entirely when tracing is off.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./tracing.sdk') as typeof import('./tracing.sdk')).startTracing();
}

export { serviceNameOf, tracingEnabled } from './tracing.env';
