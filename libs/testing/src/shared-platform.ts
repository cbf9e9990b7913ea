import { apiClient, type ApiClient } from './http-client';

/**
 * The platform the Jest global setup started once for the whole run (every app and two
 * gateways). Suites that need other settings start their own with `startPlatform`.
 */
export function sharedPlatform(): {
  gateways: string[];
  apps: Record<string, string>;
  api: ApiClient[];
  env: Record<string, string>;
} {
  const raw = process.env.PLAZA_SHARED_PLATFORM;
  if (!raw) throw new Error('no shared platform: run the suite through `npm test` (Jest global setup)');
  const parsed = JSON.parse(raw) as { gateways: string[]; apps: Record<string, string>; env: Record<string, string> };
  return { ...parsed, api: parsed.gateways.map((g) => apiClient(g)) };
}
