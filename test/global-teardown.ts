import { rmSync } from 'node:fs';
import { dropTestDatabase, type Platform } from '@plaza/testing';
import { STATE_FILE } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__PLAZA__ as
    { platform: Platform; databaseUrl: string } | undefined;
  if (!state) return;
  await state.platform.stop();
  await dropTestDatabase(state.databaseUrl);
  rmSync(STATE_FILE, { force: true });
}
