/**
 * The graph read model follows the profiles events a few milliseconds behind. A check that
 * fails right after a connection was made is retried for a short while before it is believed,
 * so "accept, then create a group" works; only the refusal path pays for the wait.
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 2000, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
