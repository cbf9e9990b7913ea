import { connectSocket, type Member, nextEvent, sharedPlatform, sleep, type TestSocket, waitFor } from '@plaza/testing';
import { block, follow, members, post } from './feed.helpers';

interface Item {
  id: string;
  type: string;
  actor: { id: string } | null;
  subjectId: string | null;
  read: boolean;
}

/** Notifications: each contract type, live push, unread count, mark-as-read, never to self or across a block. */
describe('feed: notifications', () => {
  const platform = sharedPlatform();
  const [api, api2] = platform.api;
  const sockets: TestSocket[] = [];

  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  const list = async (m: Member, query = '') => {
    const res = await api.get(`/api/notifications${query}`, { token: m.token });
    expect(res.status).toBe(200);
    return res.body as { items: Item[]; nextCursor: string | null; unreadCount: number };
  };
  const waitForTypes = (m: Member, types: string[]) =>
    waitFor(
      async () => {
        const body = await list(m, '?limit=100');
        const got = body.items.map((i) => i.type).sort();
        return JSON.stringify(got) === JSON.stringify([...types].sort()) ? body : null;
      },
      { timeoutMs: 5000, message: `notifications ${types.join(', ')}` },
    );

  it('notifies of connection requests, acceptances, follows, comments and reactions', async () => {
    const [owner, requester, fan] = await members(api, 3);
    const req = await api.post('/api/connections/requests', { userId: owner.id }, { token: requester.token });
    expect(req.status).toBe(201);
    await follow(api, fan, owner);
    const p = await post(api, owner, 'notify me');
    expect((await api.post(`/api/posts/${p.id}/comments`, { text: 'hey' }, { token: fan.token })).status).toBe(201);
    expect((await api2.put(`/api/posts/${p.id}/reactions`, { type: 'like' }, { token: fan.token })).status).toBe(204);
    // Changing the reaction while the first notification is unread does not pile up another.
    expect((await api2.put(`/api/posts/${p.id}/reactions`, { type: 'celebrate' }, { token: fan.token })).status).toBe(
      204,
    );
    // Your own comment and reaction notify nobody.
    expect((await api.post(`/api/posts/${p.id}/comments`, { text: 'me' }, { token: owner.token })).status).toBe(201);
    expect((await api.put(`/api/posts/${p.id}/reactions`, { type: 'like' }, { token: owner.token })).status).toBe(204);

    const body = await waitForTypes(owner, [
      'connection.requested',
      'follow.created',
      'post.commented',
      'post.reacted',
    ]);
    await sleep(300);
    const settled = await list(owner, '?limit=100');
    expect(settled.items).toHaveLength(4);
    expect(settled.unreadCount).toBe(4);
    const byType = Object.fromEntries(body.items.map((i) => [i.type, i]));
    expect(byType['connection.requested']).toMatchObject({
      actor: { id: requester.id },
      subjectId: req.body.id,
      read: false,
    });
    expect(byType['follow.created']).toMatchObject({ actor: { id: fan.id }, read: false });
    expect(byType['post.commented']).toMatchObject({ actor: { id: fan.id }, subjectId: p.id });
    expect(byType['post.reacted']).toMatchObject({ actor: { id: fan.id }, subjectId: p.id });
    expect(body.items[0]).toEqual({
      id: expect.any(String),
      type: expect.any(String),
      actor: expect.objectContaining({ id: expect.any(String) }),
      subjectId: expect.any(String),
      createdAt: expect.any(String),
      read: false,
    });

    // Accepting notifies the requester.
    expect(
      (await api.post(`/api/connections/requests/${req.body.id}/accept`, undefined, { token: owner.token })).status,
    ).toBe(200);
    const accepted = await waitForTypes(requester, ['connection.accepted']);
    expect(accepted.items[0]).toMatchObject({ actor: { id: owner.id }, subjectId: req.body.id });

    // Pagination and mark-as-read.
    const first = await list(owner, '?limit=3');
    expect(first.items).toHaveLength(3);
    const rest = await list(owner, `?limit=3&cursor=${first.nextCursor}`);
    expect([...first.items, ...rest.items].map((i) => i.id)).toEqual(settled.items.map((i) => i.id));
    expect(
      (await api.post('/api/notifications/read', { ids: [first.items[0].id] }, { token: owner.token })).status,
    ).toBe(204);
    const afterOne = await list(owner, '?limit=100');
    expect(afterOne.unreadCount).toBe(3);
    expect(afterOne.items.find((i) => i.id === first.items[0].id)?.read).toBe(true);
    // Someone else's ids are ignored.
    expect((await api.post('/api/notifications/read', {}, { token: requester.token })).status).toBe(204);
    expect((await list(owner)).unreadCount).toBe(3);
    expect((await api.post('/api/notifications/read', {}, { token: owner.token })).status).toBe(204);
    expect((await list(owner)).unreadCount).toBe(0);
    expect((await api.post('/api/notifications/read', { ids: ['nope'] }, { token: owner.token })).status).toBe(400);
    expect((await api.post('/api/notifications/read', { all: true }, { token: owner.token })).status).toBe(400);
  });

  it('pushes a notification live to its recipient', async () => {
    const [author, fan] = await members(api, 2);
    const p = await post(api, author, 'live notification');
    const socket = await connectSocket(platform.gateways[1], { token: author.token });
    sockets.push(socket);
    const got = nextEvent(socket, 'notification', 3000);
    expect((await api.post(`/api/posts/${p.id}/comments`, { text: 'ping' }, { token: fan.token })).status).toBe(201);
    expect(await got).toMatchObject({
      type: 'post.commented',
      actor: { id: fan.id },
      subjectId: p.id,
      read: false,
      eventId: expect.any(String),
    });
  });

  it('never notifies across a block, and hides earlier notifications from a blocked user', async () => {
    const [a, b] = await members(api, 2);
    await follow(api, b, a);
    await waitForTypes(a, ['follow.created']);
    await block(api, a, b);
    await waitFor(async () => ((await list(a)).unreadCount === 0 ? true : null), {
      timeoutMs: 5000,
      message: 'blocked actor hidden',
    });
    expect((await list(a)).items).toEqual([]);
    // Whatever b tries after the block reaches a as nothing.
    await api.put(`/api/follows/${a.id}`, undefined, { token: b.token });
    await api.post('/api/connections/requests', { userId: a.id }, { token: b.token });
    await sleep(1000);
    expect(await list(a)).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
  });
});
