import { blockUser, type Member, openConversation, registerMember, sharedPlatform, waitFor } from '@plaza/testing';

describe('messaging: messages, history and read positions over REST', () => {
  const platform = sharedPlatform();
  const [api1, api2] = platform.api;
  let ada: Member;
  let bob: Member;
  let eve: Member;
  let conversationId: string;

  beforeAll(async () => {
    [ada, bob, eve] = await Promise.all([registerMember(api1), registerMember(api2), registerMember(api2)]);
    conversationId = await openConversation(api1, ada, [bob.id]);
  });

  const send = (who: Member, text: string, clientMsgId: string, api = api1, id = conversationId) =>
    api.post(`/api/conversations/${id}/messages`, { text, clientMsgId }, { token: who.token });

  it('stores messages with seq 1, 2, 3 … and the contract shape, text as sent', async () => {
    const id = await openConversation(api1, ada, [eve.id]);
    const first = await send(ada, '  hello\n', 'a-1', api1, id);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      conversationId: id,
      seq: 1,
      senderId: ada.id,
      text: '  hello\n',
      clientMsgId: 'a-1',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
    });
    expect((await send(eve, 'hi', 'e-1', api2, id)).body.seq).toBe(2);
    expect((await send(ada, 'x'.repeat(4000), 'a-2', api2, id)).body.seq).toBe(3);
  });

  it('validates text and clientMsgId', async () => {
    const bad: unknown[] = [
      { text: '', clientMsgId: 'v-1' },
      { text: '   \n ', clientMsgId: 'v-1' },
      { text: 'x'.repeat(4001), clientMsgId: 'v-1' },
      { text: 'nul \u0000 inside', clientMsgId: 'v-1' },
      { text: 'ok' },
      { text: 'ok', clientMsgId: '' },
      { text: 'ok', clientMsgId: 'has space' },
      { text: 'ok', clientMsgId: 'x'.repeat(65) },
      { text: 42, clientMsgId: 'v-1' },
      { text: 'ok', clientMsgId: 'v-1', seq: 7 },
    ];
    for (const body of bad) {
      const res = await api1.post(`/api/conversations/${conversationId}/messages`, body, { token: ada.token });
      expect(res.status).toBe(400);
    }
    expect(
      (
        await api1.post(
          '/api/conversations/not-a-uuid/messages',
          { text: 'ok', clientMsgId: 'v-1' },
          { token: ada.token },
        )
      ).status,
    ).toBe(400);
    const history = await api1.get(`/api/conversations/${conversationId}/messages`, { token: ada.token });
    expect(history.body.items.filter((m: { clientMsgId: string }) => m.clientMsgId === 'v-1')).toEqual([]);
  });

  it('stores one message for concurrent retries with the same clientMsgId (201 once, 200 with the same message otherwise)', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => send(ada, 'only once', 'retry-1', i % 2 ? api1 : api2)),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(11);
    expect(new Set(attempts.map((r) => r.body.id)).size).toBe(1);
    const { seq } = attempts[0].body;
    // The same clientMsgId from another sender is another message.
    const bobs = await send(bob, 'mine', 'retry-1', api2);
    expect(bobs.status).toBe(201);
    expect(bobs.body.seq).toBe(seq + 1);
    // Seqs stay gapless: failed duplicates consumed no seq.
    const next = await send(ada, 'after', 'retry-2');
    expect(next.body.seq).toBe(seq + 2);
  });

  it('assigns gapless seqs 1..n under concurrent senders on both gateways', async () => {
    const [x, y] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, x, [y.id]);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => send(i % 2 ? x : y, `m${i}`, `c-${i}`, i % 3 ? api1 : api2, id)),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(results.map((r) => r.body.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const all = await api1.get(`/api/conversations/${id}/messages?afterSeq=0&limit=100`, { token: x.token });
    expect(all.body.items.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('pages history forward by afterSeq and backward by beforeSeq, always in seq order', async () => {
    const [x, y] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, x, [y.id]);
    for (let i = 1; i <= 7; i++) await send(x, `m${i}`, `h-${i}`, api1, id);
    const seqs = (body: { items: Array<{ seq: number }> }) => body.items.map((m) => m.seq);
    const get = (q: string) => api2.get(`/api/conversations/${id}/messages${q}`, { token: y.token });

    const newest = await get('?limit=3');
    expect(seqs(newest.body)).toEqual([5, 6, 7]);
    const older = await get(`?limit=3&cursor=${newest.body.nextCursor}`);
    expect(seqs(older.body)).toEqual([2, 3, 4]);
    const oldest = await get(`?limit=3&cursor=${older.body.nextCursor}`);
    expect(seqs(oldest.body)).toEqual([1]);
    expect(oldest.body.nextCursor).toBeNull();

    const after = await get('?afterSeq=2&limit=3');
    expect(seqs(after.body)).toEqual([3, 4, 5]);
    const rest = await get(`?limit=3&cursor=${after.body.nextCursor}`);
    expect(seqs(rest.body)).toEqual([6, 7]);
    expect(rest.body.nextCursor).toBeNull();

    expect(seqs((await get('?beforeSeq=4')).body)).toEqual([1, 2, 3]);
    expect(seqs((await get('?afterSeq=2&beforeSeq=6')).body)).toEqual([3, 4, 5]);
    expect(seqs((await get('?afterSeq=7')).body)).toEqual([]);
    for (const q of [
      '?afterSeq=-1',
      '?beforeSeq=0',
      '?limit=0',
      '?limit=101',
      '?afterSeq=abc',
      '?cursor=xyz',
      '?other=1',
    ]) {
      expect((await get(q)).status).toBe(400);
    }
  });

  it('keeps read positions monotonic and capped at the newest message', async () => {
    const [x, y] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, x, [y.id]);
    for (let i = 1; i <= 5; i++) await send(x, `m${i}`, `r-${i}`, api1, id);
    const read = (seq: number) => api2.post(`/api/conversations/${id}/read`, { seq }, { token: y.token });
    const view = async () => (await api2.get(`/api/conversations/${id}`, { token: y.token })).body;

    expect((await read(3)).status).toBe(204);
    expect(await view()).toMatchObject({ lastReadSeq: 3, unreadCount: 2 });
    expect((await read(1)).status).toBe(204);
    expect(await view()).toMatchObject({ lastReadSeq: 3, unreadCount: 2 });
    expect((await read(1000)).status).toBe(204);
    expect(await view()).toMatchObject({ lastReadSeq: 5, unreadCount: 0 });
    await Promise.all([read(2), read(4), read(1)]);
    expect((await view()).lastReadSeq).toBe(5);
    for (const body of [{}, { seq: -1 }, { seq: 1.5 }, { seq: '3' }, { seq: 3, more: 1 }]) {
      expect((await api2.post(`/api/conversations/${id}/read`, body, { token: y.token })).status).toBe(400);
    }
  });

  it('answers 404 not_found to non-members on every route and stores nothing from them', async () => {
    const stranger = await registerMember(api2);
    const before = (await api1.get(`/api/conversations/${conversationId}`, { token: ada.token })).body.lastMessage.seq;
    const answers = await Promise.all([
      api2.get(`/api/conversations/${conversationId}`, { token: stranger.token }),
      api2.get(`/api/conversations/${conversationId}/messages`, { token: stranger.token }),
      api2.post(
        `/api/conversations/${conversationId}/messages`,
        { text: 'let me in', clientMsgId: 's-1' },
        { token: stranger.token },
      ),
      api2.post(`/api/conversations/${conversationId}/read`, { seq: 1 }, { token: stranger.token }),
      api2.post(`/api/conversations/${conversationId}/members`, { userIds: [stranger.id] }, { token: stranger.token }),
      api2.delete(`/api/conversations/${conversationId}/members/me`, { token: stranger.token }),
      api2.get('/api/conversations/00000000-0000-4000-8000-000000000000', { token: ada.token }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    expect((await api1.get(`/api/conversations/${conversationId}`, { token: ada.token })).body.lastMessage.seq).toBe(
      before,
    );
  });

  it('refuses a blocked sender with 403 (both directions) while retries of stored messages still answer 200', async () => {
    const [x, y] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, x, [y.id]);
    const stored = await send(x, 'before the block', 'b-1', api1, id);
    expect(stored.status).toBe(201);
    await blockUser(api2, y, x.id);
    // Opening the pair's conversation is refused once messaging knows of the block; nothing is sent meanwhile.
    await waitFor(
      async () => (await api1.post('/api/conversations', { memberIds: [y.id] }, { token: x.token })).status === 403,
      {
        message: 'block to reach messaging',
      },
    );
    const refused = await send(x, 'after', 'b-3', api2, id);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect((await send(y, 'from the blocker', 'b-4', api2, id)).status).toBe(403);
    const retry = await send(x, 'before the block', 'b-1', api1, id);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(stored.body.id);
    const history = await api1.get(`/api/conversations/${id}/messages`, { token: x.token });
    expect(history.body.items.map((m: { seq: number }) => m.seq)).toEqual([1]);
  });
});
