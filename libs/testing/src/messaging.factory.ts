import type { ApiClient } from './http-client';

interface Party {
  id: string;
  token: string;
}

/** Makes two users connections through the profiles API: `a` asks, `b` accepts. */
export async function connectUsers(api: ApiClient, a: Party, b: Party): Promise<void> {
  const requested = await api.post<{ id: string }>('/api/connections/requests', { userId: b.id }, { token: a.token });
  if (requested.status !== 201 && requested.status !== 200) {
    throw new Error(`connection request answered ${requested.status}: ${JSON.stringify(requested.body)}`);
  }
  if (requested.status === 201) {
    const accepted = await api.post(`/api/connections/requests/${requested.body.id}/accept`, undefined, {
      token: b.token,
    });
    if (accepted.status !== 200)
      throw new Error(`accept answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  }
}

/** `blocker` blocks `blockedId` through the profiles API. */
export async function blockUser(api: ApiClient, blocker: Party, blockedId: string): Promise<void> {
  const res = await api.put(`/api/blocks/${blockedId}`, undefined, { token: blocker.token });
  if (res.status !== 204) throw new Error(`block answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Opens (or finds) a conversation and returns its id; throws unless 200/201. */
export async function openConversation(
  api: ApiClient,
  caller: Party,
  memberIds: string[],
  title?: string,
): Promise<string> {
  const res = await api.post<{ id: string }>(
    '/api/conversations',
    { memberIds, ...(title ? { title } : {}) },
    { token: caller.token },
  );
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`POST /api/conversations answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id;
}
