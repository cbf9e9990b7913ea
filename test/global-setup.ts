import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, RESPONSE_LOG_ENV, startPlatform } from '@plaza/testing';

export const STATE_FILE = join(tmpdir(), `plaza-jest-${process.ppid}-${process.pid}.json`);

/**
 * One fresh database per run, then one shared platform (every app, two gateways) whose apps
 * apply their migrations at start. Suites read it through `sharedPlatform()`.
 */
export default async function globalSetup(): Promise<void> {
  const databaseUrl = await createTestDatabase();
  process.env.DATABASE_URL = databaseUrl;
  // Concurrent runs on one machine share Redis: each run takes its own logical database.
  const db = 1 + (process.pid % 15);
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? `redis://127.0.0.1:6379/${db}`;
  const platform = await startPlatform({ databaseUrl, redisUrl: process.env.REDIS_URL });
  process.env.PLAZA_SHARED_PLATFORM = JSON.stringify({
    gateways: platform.gateways,
    apps: Object.fromEntries(Object.entries(platform.apps).map(([name, p]) => [name, p.url])),
    env: platform.env,
  });
  // The suites' HTTP helpers record every REST answer here; the teardown checks them all against
  // the OpenAPI document the gateway serves.
  process.env[RESPONSE_LOG_ENV] = mkdtempSync(join(tmpdir(), 'plaza-responses-'));
  (globalThis as Record<string, unknown>).__PLAZA__ = { platform, databaseUrl };
  writeFileSync(STATE_FILE, JSON.stringify({ databaseUrl }));
}
