import { rmSync } from 'node:fs';
import {
  apiClient,
  dropTestDatabase,
  openApiValidator,
  type Platform,
  readRecordedResponses,
  RESPONSE_LOG_ENV,
} from '@plaza/testing';
import { STATE_FILE } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__PLAZA__ as
    { platform: Platform; databaseUrl: string } | undefined;
  if (!state) return;
  let problems: string[] = [];
  const log = process.env[RESPONSE_LOG_ENV];
  try {
    if (log) problems = await checkRecordedResponses(state.platform.gateways[0], log);
  } finally {
    await state.platform.stop();
    await dropTestDatabase(state.databaseUrl);
    rmSync(STATE_FILE, { force: true });
    if (log) rmSync(log, { recursive: true, force: true });
  }
  if (problems.length) {
    const unique = [...new Set(problems)];
    throw new Error(
      `${problems.length} REST answers of this run do not match the served OpenAPI document:\n  ${unique.slice(0, 40).join('\n  ')}`,
    );
  }
}

/** Every answer the suites' HTTP helpers saw, checked against the document the gateway serves. */
async function checkRecordedResponses(gateway: string, dir: string): Promise<string[]> {
  const doc = (await apiClient(gateway).get('/api/docs-json')).body;
  const check = openApiValidator(doc);
  const records = readRecordedResponses(dir);
  process.stdout.write(`\n[openapi] ${records.length} recorded REST answers checked against /api/docs-json\n`);
  return records.map(check).filter((p): p is string => p !== null);
}
