import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** One REST answer as a client saw it, for checking against the OpenAPI document. */
export interface RecordedResponse {
  method: string;
  /** Path without the query string, e.g. `/api/posts/5f…/comments`. */
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
  /** The suite that made the call, to find it again. */
  suite?: string;
}

/** Directory the Jest global setup creates for this run; unset: nothing is recorded. */
export const RESPONSE_LOG_ENV = 'PLAZA_RESPONSE_LOG';

/** Appends one answer to this worker's log (one JSON line per response; a few KB per call). */
export function recordResponse(record: RecordedResponse): void {
  const dir = process.env[RESPONSE_LOG_ENV];
  if (!dir || !record.path.startsWith('/api/') || record.path.startsWith('/api/docs')) return;
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(record)}\n`);
}

/** The test file running now (read when a client is made, while Jest's `expect` is there). */
export function currentTestFile(): string | undefined {
  return (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.().testPath;
}
