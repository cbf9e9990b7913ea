/** How a push service answered one request, as the dispatcher acts on it. */
export type SendResult =
  | { kind: 'sent' }
  /** 404/410: the subscription no longer exists; delete it. */
  | { kind: 'gone'; status: number }
  /** 429, 5xx, timeout or network error: try again, not before `retryAfterMs` when given. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** Any other answer: retrying cannot help. */
  | { kind: 'rejected'; status: number; reason: string };

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The common reading of a push service's status code (Web Push RFC 8030 §5, FCM v1). */
export function resultOfStatus(status: number, retryAfter: string | string[] | undefined, body: string): SendResult {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500)
    return { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: retryAfterMs(retryAfter) };
  return { kind: 'rejected', status, reason: `HTTP ${status}: ${body.slice(0, 200)}` };
}
