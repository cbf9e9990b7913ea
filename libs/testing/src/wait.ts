/** Polls until `fn` returns a truthy value or the time is up; for eventually-consistent checks. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  { timeoutMs = 5000, intervalMs = 50, message = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${message}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
