/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted by the tests themselves */
import { type ApiClient, registerMember, type Member, waitFor } from '@plaza/testing';

/** Graph changes go through the profiles app, as a client would make them. */
export async function follow(api: ApiClient, who: Member, whom: Member): Promise<void> {
  const res = await api.put(`/api/follows/${whom.id}`, undefined, { token: who.token });
  if (res.status !== 204) throw new Error(`follow answered ${res.status}: ${JSON.stringify(res.body)}`);
}

export async function unfollow(api: ApiClient, who: Member, whom: Member): Promise<void> {
  const res = await api.delete(`/api/follows/${whom.id}`, { token: who.token });
  if (res.status !== 204) throw new Error(`unfollow answered ${res.status}: ${JSON.stringify(res.body)}`);
}

export async function block(api: ApiClient, who: Member, whom: Member): Promise<void> {
  const res = await api.put(`/api/blocks/${whom.id}`, undefined, { token: who.token });
  if (res.status !== 204) throw new Error(`block answered ${res.status}: ${JSON.stringify(res.body)}`);
}

export async function connect(api: ApiClient, a: Member, b: Member): Promise<void> {
  const req = await api.post('/api/connections/requests', { userId: b.id }, { token: a.token });
  if (req.status !== 201) throw new Error(`connection request answered ${req.status}: ${JSON.stringify(req.body)}`);
  const acc = await api.post(`/api/connections/requests/${req.body.id}/accept`, undefined, { token: b.token });
  if (acc.status !== 200) throw new Error(`accept answered ${acc.status}: ${JSON.stringify(acc.body)}`);
}

export async function post(
  api: ApiClient,
  who: Member,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<any> {
  const res = await api.post('/api/posts', { text, ...extra }, { token: who.token });
  if (res.status !== 201) throw new Error(`POST /api/posts answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function feedIds(api: ApiClient, who: Member, query = ''): Promise<string[]> {
  const res = await api.get(`/api/feed${query}`, { token: who.token });
  if (res.status !== 200) throw new Error(`GET /api/feed answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body.items as Array<{ id: string }>).map((p) => p.id);
}

/** Waits until the feed app's read model reflects a graph change, observed through the feed itself. */
export async function waitForFeed(
  api: ApiClient,
  who: Member,
  test: (ids: string[]) => boolean,
  message: string,
): Promise<string[]> {
  return waitFor(
    async () => {
      const ids = await feedIds(api, who, '?limit=100');
      return test(ids) ? ids : null;
    },
    // Event catch-up, not a contract deadline: on a loaded 2-core runner it can take seconds.
    { timeoutMs: 15_000, message },
  );
}

export async function members(api: ApiClient, n: number): Promise<Member[]> {
  return Promise.all(Array.from({ length: n }, () => registerMember(api)));
}
