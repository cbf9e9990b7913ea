import { ConversationMembers } from '@plaza/realtime';
import Redis from 'ioredis';
import {
  blockUser,
  connectUsers,
  type Member,
  openConversation,
  registerMember,
  sharedPlatform,
  waitFor,
} from '@plaza/testing';

describe('messaging: conversations over REST through both gateways', () => {
  const platform = sharedPlatform();
  const [api1, api2] = platform.api;
  let ada: Member;
  let bob: Member;
  let cyd: Member;
  let dan: Member;

  beforeAll(async () => {
    [ada, bob, cyd, dan] = await Promise.all([
      registerMember(api1),
      registerMember(api1),
      registerMember(api2),
      registerMember(api2),
    ]);
  });

  it('requires a valid token on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const calls = [
      api1.post('/api/conversations', { memberIds: [bob.id] }),
      api1.get('/api/conversations'),
      api1.get(`/api/conversations/${id}`),
      api1.get(`/api/conversations/${id}/messages`),
      api1.post(`/api/conversations/${id}/messages`, { text: 'hi', clientMsgId: 'x' }),
      api1.post(`/api/conversations/${id}/read`, { seq: 1 }),
      api1.post(`/api/conversations/${id}/members`, { userIds: [bob.id] }),
      api1.delete(`/api/conversations/${id}/members/me`),
      api1.get('/api/conversations', { token: 'not-a-token' }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('opens one direct conversation per pair: 201 then 200 from either side, no connection needed', async () => {
    const first = await api1.post('/api/conversations', { memberIds: [cyd.id] }, { token: ada.token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ type: 'direct', title: null, lastMessage: null, unreadCount: 0 });
    expect(first.body.members.map((m: { id: string }) => m.id).sort()).toEqual([ada.id, cyd.id].sort());
    const cydShown = first.body.members.find((m: { id: string }) => m.id === cyd.id);
    // Names come from the auth/profiles events; the read model may lag a moment behind registration.
    if (cydShown.handle !== null)
      expect(cydShown).toEqual({ id: cyd.id, handle: cyd.handle, displayName: cyd.displayName });

    const again = await api2.post('/api/conversations', { memberIds: [cyd.id, ada.id] }, { token: ada.token });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const reverse = await api2.post('/api/conversations', { memberIds: [ada.id] }, { token: cyd.token });
    expect(reverse.status).toBe(200);
    expect(reverse.body.id).toBe(first.body.id);
  });

  it('gives one conversation when both members create it at the same moment, on different gateways', async () => {
    const [x, y] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? api1.post('/api/conversations', { memberIds: [y.id] }, { token: x.token })
          : api2.post('/api/conversations', { memberIds: [x.id] }, { token: y.token }),
      ),
    );
    const ids = new Set(attempts.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(9);
    const listed = await api1.get('/api/conversations', { token: x.token });
    expect(listed.body.items.filter((c: { type: string }) => c.type === 'direct')).toHaveLength(1);
  });

  it('validates the body', async () => {
    const bad = [
      {},
      { memberIds: [] },
      { memberIds: ['not-a-uuid'] },
      { memberIds: [ada.id] },
      { memberIds: [bob.id], extra: true },
      { memberIds: [bob.id, cyd.id], title: '' },
      { memberIds: [bob.id, cyd.id], title: 'x'.repeat(101) },
    ];
    for (const body of bad) {
      const res = await api1.post('/api/conversations', body, { token: ada.token });
      expect(res.status).toBe(400);
      expect(res.body.statusCode).toBe(400);
    }
  });

  it('refuses a direct conversation when either side blocked the other', async () => {
    const [x, y] = await Promise.all([registerMember(api1), registerMember(api2)]);
    await blockUser(api1, y, x.id);
    await waitFor(
      async () => (await api1.post('/api/conversations', { memberIds: [y.id] }, { token: x.token })).status === 403,
      {
        message: 'block to reach messaging',
      },
    );
    const res = await api2.post('/api/conversations', { memberIds: [x.id] }, { token: y.token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
  });

  describe('groups', () => {
    beforeAll(async () => {
      await connectUsers(api1, ada, bob);
      await connectUsers(api2, ada, cyd);
    });

    it('creates a group of connections with a title; a non-connection is refused with 403', async () => {
      const created = await api1.post(
        '/api/conversations',
        { memberIds: [bob.id, cyd.id], title: '  Launch  ' },
        { token: ada.token },
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ type: 'group', title: 'Launch', unreadCount: 0, lastMessage: null });
      expect(created.body.members.map((m: { id: string }) => m.id).sort()).toEqual([ada.id, bob.id, cyd.id].sort());

      const refused = await api1.post('/api/conversations', { memberIds: [bob.id, dan.id] }, { token: ada.token });
      expect(refused.status).toBe(403);
      const listed = await api1.get('/api/conversations', { token: dan.token });
      expect(listed.body.items).toEqual([]);
    });

    it('adds connections, refuses others, lets members leave; non-members get 404', async () => {
      const id = await openConversation(api1, ada, [bob.id, cyd.id], 'Team');
      // dan is nobody's connection yet: refused, and as a non-member dan cannot add himself.
      expect(
        (await api1.post(`/api/conversations/${id}/members`, { userIds: [dan.id] }, { token: ada.token })).status,
      ).toBe(403);
      expect(
        (await api1.post(`/api/conversations/${id}/members`, { userIds: [dan.id] }, { token: dan.token })).status,
      ).toBe(404);

      await connectUsers(api2, bob, dan);
      const added = await api2.post(
        `/api/conversations/${id}/members`,
        { userIds: [dan.id, ada.id] },
        { token: bob.token },
      );
      expect(added.status).toBe(200);
      expect(added.body.members.map((m: { id: string }) => m.id).sort()).toEqual(
        [ada.id, bob.id, cyd.id, dan.id].sort(),
      );
      expect((await api1.get(`/api/conversations/${id}`, { token: dan.token })).status).toBe(200);

      expect((await api1.delete(`/api/conversations/${id}/members/me`, { token: cyd.token })).status).toBe(204);
      const after = await api1.get(`/api/conversations/${id}`, { token: ada.token });
      expect(after.body.members.map((m: { id: string }) => m.id)).not.toContain(cyd.id);
      // Left: every route now answers 404 for cyd, leaving again included.
      expect((await api2.get(`/api/conversations/${id}`, { token: cyd.token })).status).toBe(404);
      expect((await api2.delete(`/api/conversations/${id}/members/me`, { token: cyd.token })).status).toBe(404);
      expect((await api2.get(`/api/conversations/${id}/messages`, { token: cyd.token })).status).toBe(404);
      expect(
        (
          await api2.post(
            `/api/conversations/${id}/messages`,
            { text: 'back?', clientMsgId: 'c1' },
            { token: cyd.token },
          )
        ).status,
      ).toBe(404);

      // Added again by a connection: a member once more.
      expect(
        (await api1.post(`/api/conversations/${id}/members`, { userIds: [cyd.id] }, { token: ada.token })).status,
      ).toBe(200);
      expect((await api2.get(`/api/conversations/${id}`, { token: cyd.token })).status).toBe(200);
    });

    it('keeps the Redis membership set the gateway reads for typing in step with create, add and leave', async () => {
      const redis = new Redis(platform.env.REDIS_URL);
      try {
        const members = async (id: string) => (await new ConversationMembers(redis).members(id)).sort();
        const id = await openConversation(api1, ada, [bob.id, cyd.id]);
        expect(await members(id)).toEqual([ada.id, bob.id, cyd.id].sort());
        expect((await api1.delete(`/api/conversations/${id}/members/me`, { token: bob.token })).status).toBe(204);
        expect(await members(id)).toEqual([ada.id, cyd.id].sort());
        expect(
          (await api1.post(`/api/conversations/${id}/members`, { userIds: [bob.id] }, { token: ada.token })).status,
        ).toBe(200);
        expect(await members(id)).toEqual([ada.id, bob.id, cyd.id].sort());
        const direct = await openConversation(api2, dan, [cyd.id]);
        expect(await members(direct)).toEqual([cyd.id, dan.id].sort());
      } finally {
        redis.disconnect();
      }
    });

    it('refuses adding members to, or leaving, a direct conversation', async () => {
      const id = await openConversation(api1, ada, [bob.id]);
      expect(
        (await api1.post(`/api/conversations/${id}/members`, { userIds: [cyd.id] }, { token: ada.token })).status,
      ).toBe(403);
      expect((await api1.delete(`/api/conversations/${id}/members/me`, { token: ada.token })).status).toBe(403);
    });
  });

  it('lists conversations by recent activity with the last message and unread count, paginated', async () => {
    const [me, p, q, r] = await Promise.all([
      registerMember(api1),
      registerMember(api1),
      registerMember(api2),
      registerMember(api2),
    ]);
    const withP = await openConversation(api1, me, [p.id]);
    const withQ = await openConversation(api1, me, [q.id]);
    const withR = await openConversation(api1, me, [r.id]);
    // Activity order: withR (created last), then a message makes withP the newest.
    const sent = await api2.post(
      `/api/conversations/${withP}/messages`,
      { text: 'hello', clientMsgId: 'p-1' },
      { token: p.token },
    );
    expect(sent.status).toBe(201);
    await api2.post(`/api/conversations/${withP}/messages`, { text: 'again', clientMsgId: 'p-2' }, { token: p.token });
    await api1.post(`/api/conversations/${withP}/messages`, { text: 'mine', clientMsgId: 'me-1' }, { token: me.token });

    const page1 = await api1.get('/api/conversations?limit=2', { token: me.token });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((c: { id: string }) => c.id)).toEqual([withP, withR]);
    expect(page1.body.items[0]).toMatchObject({
      unreadCount: 2,
      lastMessage: { text: 'mine', seq: 3, senderId: me.id },
    });
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api1.get(`/api/conversations?limit=2&cursor=${page1.body.nextCursor}`, { token: me.token });
    expect(page2.body.items.map((c: { id: string }) => c.id)).toEqual([withQ]);
    expect(page2.body.nextCursor).toBeNull();

    expect((await api1.post(`/api/conversations/${withP}/read`, { seq: 2 }, { token: me.token })).status).toBe(204);
    const after = await api1.get(`/api/conversations/${withP}`, { token: me.token });
    expect(after.body).toMatchObject({ unreadCount: 0, lastReadSeq: 2 });
    // p's view: my message is unread for p.
    expect((await api2.get(`/api/conversations/${withP}`, { token: p.token })).body.unreadCount).toBe(1);

    expect((await api1.get('/api/conversations?cursor=garbage', { token: me.token })).status).toBe(400);
    expect((await api1.get('/api/conversations?limit=101', { token: me.token })).status).toBe(400);
  });
});
