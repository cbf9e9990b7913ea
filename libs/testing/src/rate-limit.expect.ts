import { expectErrorBody } from './error-body.expect';
import type { ApiResponse } from './http-client';

/**
 * Headers a client could forge to pose as another IP. With TRUST_PROXY 0 none of them may move a
 * request into a fresh rate-limit bucket (the gateway alone sets `x-plaza-client-ip`).
 */
export const SPOOFED_IP_HEADERS: readonly Record<string, string>[] = [
  { 'x-forwarded-for': '203.0.113.7' },
  { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' },
  { 'x-real-ip': '203.0.113.51' },
  { 'x-plaza-client-ip': '192.0.2.44' },
];

/**
 * Asserts the contract's rate-limit answer: 429, the error body with code `rate_limited`, and a
 * `Retry-After` (seconds) above `retryAfter.above` and at most `retryAfter.atMost`.
 */
export function expectRateLimited(res: ApiResponse, retryAfter: { above: number; atMost: number }): void {
  expectErrorBody(res, 429, 'rate_limited');
  const seconds = Number(res.headers.get('retry-after'));
  expect(seconds).toBeGreaterThan(retryAfter.above);
  expect(seconds).toBeLessThanOrEqual(retryAfter.atMost);
}
