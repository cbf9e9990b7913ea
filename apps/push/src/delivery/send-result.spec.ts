import { resultOfStatus, retryAfterMs } from './send-result';

describe('push service answers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterMs('Mon, 30 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('maps statuses to what the dispatcher does', () => {
    expect(resultOfStatus(201, undefined, '')).toEqual({ kind: 'sent' });
    expect(resultOfStatus(410, undefined, '')).toEqual({ kind: 'gone', status: 410 });
    expect(resultOfStatus(404, undefined, '')).toEqual({ kind: 'gone', status: 404 });
    expect(resultOfStatus(429, '3', '')).toMatchObject({ kind: 'retry', retryAfterMs: 3000 });
    expect(resultOfStatus(503, undefined, '')).toMatchObject({ kind: 'retry' });
    expect(resultOfStatus(413, undefined, 'too big')).toMatchObject({ kind: 'rejected', status: 413 });
  });
});
