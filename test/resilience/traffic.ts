import { randomUUID } from 'node:crypto';
import { type ApiClient, loginUser, type Member, sleep, TEST_PASSWORD } from '@plaza/testing';

const HUNG_MS = 10_000;
const PACE_MS = process.env.RESILIENCE_FULL === '1' ? 0 : 20;

/** One client as a real app behaves: retries a refused write with the same key, signs in again on 401. */
export class TrafficClient {
  token: string;
  readonly statuses = new Map<number, number>();
  /** Writes the server accepted (2xx): clientMsgId/idempotencyKey → stored id. */
  readonly acceptedMessages = new Map<string, string>();
  readonly acceptedPosts = new Map<string, string>();
  maxLatencyMs = 0;
  relogins = 0;
  /** Set when the traffic ends: pending retries give up. */
  stopped = false;

  constructor(
    private readonly api: ApiClient,
    readonly member: Member,
  ) {
    this.token = member.token;
  }

  private async call<T>(run: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T }> {
    const started = Date.now();
    let res: { status: number; body: T };
    let timer: NodeJS.Timeout | undefined;
    try {
      // A request still unanswered after 10 s counts as hung (status 0), like a failed connection.
      res = await Promise.race([run(), new Promise<never>((_, reject) => (timer = setTimeout(reject, HUNG_MS)))]);
    } catch {
      res = { status: 0, body: undefined as T };
    } finally {
      clearTimeout(timer);
    }
    this.maxLatencyMs = Math.max(this.maxLatencyMs, Date.now() - started);
    this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
    if (res.status === 401) await this.relogin();
    return res;
  }

  private async relogin(): Promise<void> {
    try {
      const fresh = await loginUser(this.api, this.member.email, TEST_PASSWORD);
      this.token = fresh.accessToken;
      this.relogins += 1;
    } catch {
      // still down: the next call tries again
    }
  }

  /** Sends one message, retrying the same clientMsgId until accepted or out of attempts. */
  async sendMessage(conversationId: string, text: string, attempts = 20): Promise<void> {
    const clientMsgId = randomUUID();
    for (let i = 0; i < attempts && !this.stopped; i++) {
      const res = await this.call(() =>
        this.api.post<{ id: string }>(
          `/api/conversations/${conversationId}/messages`,
          { text, clientMsgId },
          { token: this.token },
        ),
      );
      if (res.status === 200 || res.status === 201) {
        this.acceptedMessages.set(clientMsgId, res.body.id);
        return;
      }
      await sleep(100);
    }
  }

  async createPost(text: string, attempts = 20): Promise<void> {
    const idempotencyKey = randomUUID();
    for (let i = 0; i < attempts && !this.stopped; i++) {
      const res = await this.call(() =>
        this.api.post<{ id: string }>('/api/posts', { text, idempotencyKey }, { token: this.token }),
      );
      if (res.status === 201 || res.status === 200) {
        this.acceptedPosts.set(idempotencyKey, res.body.id);
        return;
      }
      await sleep(100);
    }
  }
}

const running = new Set<() => Promise<void>>();

/**
 * Runs `step` in a loop on `workers` concurrent lanes until `stop()`. Loops still running when a
 * test fails are stopped by `stopAllLoops()` (the rig calls it first), so nothing outlives the file.
 */
export function loop(workers: number, step: (lane: number, i: number) => Promise<void>): { stop(): Promise<void> } {
  let done = false;
  const lanes = Promise.all(
    Array.from({ length: workers }, async (_, lane) => {
      for (let i = 0; !done; i++) {
        await step(lane, i).catch(() => sleep(50));
        // Paced in CI: the suite shares 2 cores with the other suites' platform.
        if (PACE_MS) await sleep(PACE_MS);
      }
    }),
  );
  const stop = async () => {
    done = true;
    running.delete(stop);
    await lanes;
  };
  running.add(stop);
  return { stop };
}

/** Stops every loop; gives up waiting for lanes stuck on a request after `graceMs`. */
export async function stopAllLoops(graceMs = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all([...running].map((stop) => stop())),
    new Promise((r) => (timer = setTimeout(r, graceMs))),
  ]);
  clearTimeout(timer);
}

/** Every message of a conversation, oldest first, paged through `afterSeq`. */
export async function history(
  api: ApiClient,
  token: string,
  conversationId: string,
): Promise<{ id: string; seq: number; clientMsgId: string; text: string }[]> {
  const all: { id: string; seq: number; clientMsgId: string; text: string }[] = [];
  for (;;) {
    const after = all.length ? all[all.length - 1].seq : 0;
    const res = await api.get<{ items: { id: string; seq: number; clientMsgId: string; text: string }[] }>(
      `/api/conversations/${conversationId}/messages?afterSeq=${after}&limit=100`,
      { token },
    );
    if (res.status !== 200) throw new Error(`history answered ${res.status}: ${JSON.stringify(res.body)}`);
    all.push(...res.body.items);
    if (res.body.items.length < 100) return all;
  }
}

/** Every post id of a home timeline, newest first, paged through `nextCursor`. */
export async function feedIds(api: ApiClient, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await api.get(
      `/api/feed?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    if (res.status !== 200) throw new Error(`feed answered ${res.status}`);
    ids.push(...res.body.items.map((p) => p.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}
