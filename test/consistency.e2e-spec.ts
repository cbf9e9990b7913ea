import {
  type ApiClient,
  connectRecording,
  connectSocket,
  connectUsers,
  emitAck,
  type Member,
  openConversation,
  registerMember,
  registerUser,
  sharedPlatform,
  sleep,
  type TestSocket,
  waitFor,
} from '@plaza/testing';

/**
 * "The consistency rule (v2)": once a call that changes who may see or reach whom has answered,
 * every later request, socket command and replay — on either gateway — sees the change. Each race
 * acts the instant the deciding call answers, through the OTHER gateway, and is repeated
 * (ITERATIONS) to catch a window the old design left open in most trials.
 */
const ITERATIONS = 10;

jest.setTimeout(180_000);

describe('consistency: safety rules hold the moment the deciding call answers', () => {
  const platform = sharedPlatform();
  const [gw1, gw2] = platform.gateways;
  const apis = platform.api;
  const sockets: TestSocket[] = [];
  /** The gateway of iteration i, and the other one. */
  const on = (i: number): [ApiClient, ApiClient, string] => [
    apis[i % 2],
    apis[(i + 1) % 2],
    platform.gateways[(i + 1) % 2],
  ];

  const socketOf = async (url: string, m: Member, lastEventId?: string) => {
    const rec = await connectRecording(url, { token: m.token, ...(lastEventId ? { lastEventId } : {}) });
    sockets.push(rec.socket);
    return rec;
  };

  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  const block = async (api: ApiClient, who: Member, whom: Member) =>
    expect((await api.put(`/api/blocks/${whom.id}`, undefined, { token: who.token })).status).toBe(204);
  const unblock = async (api: ApiClient, who: Member, whom: Member) =>
    expect((await api.delete(`/api/blocks/${whom.id}`, { token: who.token })).status).toBe(204);
  const post = async (api: ApiClient, who: Member, visibility = 'public') => {
    const res = await api.post('/api/posts', { text: `post ${Math.random()}`, visibility }, { token: who.token });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('connection removed: a connections-only post is out of reach at once (REST read, comments, comment, react)', async () => {
    const [b, c] = await Promise.all([registerMember(apis[0]), registerMember(apis[1])]);
    for (let i = 0; i < ITERATIONS; i++) {
      const [decide, act] = on(i);
      await connectUsers(decide, b, c);
      const id = await post(decide, b, 'connections');
      // Connected: visible at once too (the connection answered).
      expect((await act.get(`/api/posts/${id}`, { token: c.token })).status).toBe(200);
      expect((await decide.delete(`/api/connections/${c.id}`, { token: b.token })).status).toBe(204);
      const [read, comments, comment, react] = await Promise.all([
        act.get(`/api/posts/${id}`, { token: c.token }),
        act.get(`/api/posts/${id}/comments`, { token: c.token }),
        act.post(`/api/posts/${id}/comments`, { text: 'still here?' }, { token: c.token }),
        act.put(`/api/posts/${id}/reactions`, { type: 'like' }, { token: c.token }),
      ]);
      expect([read.status, comments.status, comment.status, react.status]).toEqual([404, 404, 404, 404]);
      const own = await decide.get(`/api/posts/${id}`, { token: b.token });
      expect(own.body.commentCount).toBe(0);
      expect(own.body.reactionCounts).toEqual({});
    }
  });

  it('block: the blocked user cannot read, comment, react or message at once; unblock restores reading at once', async () => {
    const [a, c] = await Promise.all([registerMember(apis[0]), registerMember(apis[1])]);
    const id = await post(apis[0], a);
    const conversationId = await openConversation(apis[1], c, [a.id]);
    const cSocket = (await socketOf(gw2, c)).socket;
    for (let i = 0; i < ITERATIONS; i++) {
      const [decide, act] = on(i);
      await block(decide, a, c);
      const [read, comment, react, userPosts, send] = await Promise.all([
        act.get(`/api/posts/${id}`, { token: c.token }),
        act.post(`/api/posts/${id}/comments`, { text: 'hi' }, { token: c.token }),
        act.put(`/api/posts/${id}/reactions`, { type: 'like' }, { token: c.token }),
        act.get(`/api/users/${a.id}/posts`, { token: c.token }),
        act.post(
          `/api/conversations/${conversationId}/messages`,
          { text: 'hi', clientMsgId: `r${i}` },
          { token: c.token },
        ),
      ]);
      expect([read.status, comment.status, react.status, send.status]).toEqual([404, 404, 404, 403]);
      expect(userPosts.body.items).toEqual([]);
      const ack = await emitAck(cSocket, 'message:send', { conversationId, text: 'hi', clientMsgId: `s${i}` });
      expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      await unblock(decide, a, c);
      expect((await act.get(`/api/posts/${id}`, { token: c.token })).status).toBe(200);
    }
    const history = await apis[0].get(`/api/conversations/${conversationId}/messages`, { token: a.token });
    expect(history.body.items).toEqual([]);
  });

  it('unfollow: the unfollowed author leaves the home feed at once', async () => {
    const [a, b] = await Promise.all([registerMember(apis[0]), registerMember(apis[1])]);
    const id = await post(apis[0], a);
    for (let i = 0; i < ITERATIONS; i++) {
      const [decide, act] = on(i);
      expect((await decide.put(`/api/follows/${a.id}`, undefined, { token: b.token })).status).toBe(204);
      const before = await act.get('/api/feed', { token: b.token });
      expect({ status: before.status, body: before.status === 200 ? 'ok' : before.body }).toEqual({
        status: 200,
        body: 'ok',
      });
      expect(before.body.items.map((p: any) => p.id)).toContain(id);
      expect((await decide.delete(`/api/follows/${a.id}`, { token: b.token })).status).toBe(204);
      const after = await act.get('/api/feed', { token: b.token });
      expect(after.body.items.map((p: any) => p.id)).not.toContain(id);
    }
  });

  it('block: the blocked user’s notifications leave the list and unreadCount at once', async () => {
    const a = await registerMember(apis[0]);
    for (let i = 0; i < 4; i++) {
      const [decide, act] = on(i);
      const b = await registerMember(act);
      const id = await post(decide, a);
      expect((await act.post(`/api/posts/${id}/comments`, { text: 'hello' }, { token: b.token })).status).toBe(201);
      await waitFor(
        async () => {
          const list = await decide.get('/api/notifications', { token: a.token });
          return list.body.items.some((n: any) => n.actor?.id === b.id) || null;
        },
        { timeoutMs: 5000, message: 'the comment notification' },
      );
      const unreadBefore = (await decide.get('/api/notifications', { token: a.token })).body.unreadCount as number;
      await block(decide, a, b);
      const list = await act.get('/api/notifications', { token: a.token });
      expect(list.body.items.filter((n: any) => n.actor?.id === b.id)).toEqual([]);
      expect(list.body.unreadCount).toBe(unreadBefore - 1);
    }
  });

  it('registration: the new user exists everywhere the moment register answers', async () => {
    const a = await registerMember(apis[0]);
    for (let i = 0; i < 5; i++) {
      const [decide, act] = on(i);
      const fresh = await registerUser(decide);
      const [profile, follow, conversation] = await Promise.all([
        act.get(`/api/profiles/${fresh.user.handle}`, { token: a.token }),
        act.put(`/api/follows/${fresh.user.id}`, undefined, { token: a.token }),
        act.post('/api/conversations', { memberIds: [fresh.user.id] }, { token: a.token }),
      ]);
      expect([profile.status, follow.status, conversation.status]).toEqual([200, 204, 201]);
      const other = conversation.body.members.find((m: any) => m.id === fresh.user.id);
      expect(other).toEqual({ id: fresh.user.id, handle: fresh.user.handle, displayName: fresh.user.displayName });
    }
  });

  it('a direct conversation only with users that exist: 404 and nothing created', async () => {
    const a = await registerMember(apis[0]);
    const ghost = '7d9c3c1e-7a44-4c3e-9b8f-3f0a1c2d4e5f';
    const res = await apis[1].post('/api/conversations', { memberIds: [ghost] }, { token: a.token });
    expect(res.status).toBe(404);
    const group = await apis[0].post(
      '/api/conversations',
      { memberIds: [ghost, a.id, ghost.replace('7', '8')] },
      { token: a.token },
    );
    expect(group.status).toBe(404);
    expect((await apis[0].get('/api/conversations', { token: a.token })).body.items).toEqual([]);
  });

  it('direct conversation with a block: typing:start and message:read are refused and nothing is relayed', async () => {
    const [a, b] = await Promise.all([registerMember(apis[0]), registerMember(apis[1])]);
    const conversationId = await openConversation(apis[0], a, [b.id]);
    const sent = await apis[0].post(
      `/api/conversations/${conversationId}/messages`,
      { text: 'hi', clientMsgId: 'm1' },
      { token: a.token },
    );
    expect(sent.status).toBe(201);
    const aRec = await socketOf(gw1, a);
    const bSocket = (await socketOf(gw2, b)).socket;
    for (let i = 0; i < ITERATIONS; i++) {
      const [decide] = on(i);
      await block(decide, a, b);
      const typing = await emitAck(bSocket, 'typing:start', { conversationId });
      const read = await emitAck(bSocket, 'message:read', { conversationId, seq: 1 });
      expect(typing).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(read).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const rest = await apis[(i + 1) % 2].post(
        `/api/conversations/${conversationId}/read`,
        { seq: 1 },
        { token: b.token },
      );
      expect(rest.status).toBe(403);
      await unblock(decide, a, b);
    }
    await sleep(300);
    expect(aRec.log.of('typing').filter((t: any) => t.userId === b.id)).toEqual([]);
    expect(aRec.log.of('message:read').filter((r: any) => r.userId === b.id)).toEqual([]);
  });

  it('group with a blocked pair: messages reach every member, typing is not relayed between the two', async () => {
    const [a, b, c] = await Promise.all([registerMember(apis[0]), registerMember(apis[1]), registerMember(apis[0])]);
    await connectUsers(apis[0], a, b);
    await connectUsers(apis[1], a, c);
    const conversationId = await openConversation(apis[0], a, [b.id, c.id], 'three');
    await block(apis[1], a, b);
    const aRec = await socketOf(gw1, a);
    const cRec = await socketOf(gw1, c);
    const bSocket = (await socketOf(gw2, b)).socket;
    expect(await emitAck(bSocket, 'typing:start', { conversationId })).toEqual({ ok: true });
    const ack = await emitAck(bSocket, 'message:send', { conversationId, text: 'to all', clientMsgId: 'g1' });
    expect(ack.ok).toBe(true);
    await waitFor(async () => (aRec.log.of('message:new').length && cRec.log.of('message:new').length) || null, {
      timeoutMs: 3000,
      message: 'the group message on both',
    });
    expect(cRec.log.of('typing').filter((t: any) => t.userId === b.id && t.isTyping)).toHaveLength(1);
    expect(aRec.log.of('typing').filter((t: any) => t.userId === b.id)).toEqual([]);
  });

  it('replay: after a block, reconnecting with an old lastEventId replays nothing from the blocked user', async () => {
    const [a, b] = await Promise.all([registerMember(apis[0]), registerMember(apis[1])]);
    const id = await post(apis[0], a);
    const first = await socketOf(gw1, a);
    const marker = await post(apis[0], a); // the author gets their own feed:post: an eventId to resume from
    const seen = await waitFor(async () => first.log.of('feed:post').find((p: any) => p.id === marker) ?? null, {
      timeoutMs: 3000,
      message: 'own post on the socket',
    });
    first.socket.close();
    expect((await apis[1].put(`/api/follows/${a.id}`, undefined, { token: b.token })).status).toBe(204);
    expect((await apis[1].post(`/api/posts/${id}/comments`, { text: 'hey' }, { token: b.token })).status).toBe(201);
    expect((await apis[1].put(`/api/posts/${id}/reactions`, { type: 'like' }, { token: b.token })).status).toBe(204);
    // The three notifications are in A's log before the block.
    await waitFor(
      async () => {
        const list = await apis[0].get('/api/notifications', { token: a.token });
        return list.body.items.filter((n: any) => n.actor?.id === b.id).length === 3 || null;
      },
      { timeoutMs: 5000, message: 'three notifications from b' },
    );
    await block(apis[0], a, b);
    const again = await socketOf(gw2, a, seen.eventId);
    await sleep(500);
    expect(again.log.of('notification').filter((n: any) => n.actor?.id === b.id)).toEqual([]);
    expect(again.log.of('sync:required')).toEqual([]);
  });

  it('replay and lists: a deleted post’s notifications leave the list, unreadCount and the replay at once', async () => {
    const [a, b] = await Promise.all([registerMember(apis[0]), registerMember(apis[1])]);
    const id = await post(apis[0], a);
    const first = await socketOf(gw1, a);
    const marker = await post(apis[0], a);
    const seen = await waitFor(async () => first.log.of('feed:post').find((p: any) => p.id === marker) ?? null, {
      timeoutMs: 3000,
      message: 'own post on the socket',
    });
    first.socket.close();
    expect((await apis[1].post(`/api/posts/${id}/comments`, { text: 'hey' }, { token: b.token })).status).toBe(201);
    expect((await apis[1].put(`/api/posts/${id}/reactions`, { type: 'like' }, { token: b.token })).status).toBe(204);
    await waitFor(
      async () => (await apis[0].get('/api/notifications', { token: a.token })).body.unreadCount === 2 || null,
      { timeoutMs: 5000, message: 'two notifications' },
    );
    expect((await apis[0].delete(`/api/posts/${id}`, { token: a.token })).status).toBe(204);
    const list = await apis[1].get('/api/notifications', { token: a.token });
    expect(list.body.items).toEqual([]);
    expect(list.body.unreadCount).toBe(0);
    const again = await socketOf(gw2, a, seen.eventId);
    await sleep(500);
    expect(again.log.of('notification')).toEqual([]);
  });

  it('replay: a connections-only post is not replayed after the connection is removed', async () => {
    const [b, c] = await Promise.all([registerMember(apis[0]), registerMember(apis[1])]);
    await connectUsers(apis[0], b, c);
    const cFirst = await socketOf(gw1, c);
    const pub = await post(apis[0], c);
    const seen = await waitFor(async () => cFirst.log.of('feed:post').find((p: any) => p.id === pub) ?? null, {
      timeoutMs: 3000,
      message: 'own post',
    });
    cFirst.socket.close();
    const hidden = await post(apis[0], b, 'connections');
    await sleep(1200); // fanned out into c's log meanwhile
    expect((await apis[1].delete(`/api/connections/${c.id}`, { token: b.token })).status).toBe(204);
    const again = await socketOf(gw2, c, seen.eventId);
    await sleep(500);
    expect(again.log.of('feed:post').filter((p: any) => p.id === hidden)).toEqual([]);
  });

  it('a display name change reaches /api/auth/me and login within one second', async () => {
    const a = await registerMember(apis[0]);
    const name = `Renamed ${Math.random().toString(36).slice(2, 8)}`;
    expect((await apis[0].patch('/api/profiles/me', { displayName: name }, { token: a.token })).status).toBe(200);
    await sleep(1000);
    const me = await apis[1].get('/api/auth/me', { token: a.token });
    expect(me.body.displayName).toBe(name);
    const login = await apis[0].post('/api/auth/login', { email: a.email, password: 'correct horse battery staple' });
    expect(login.body.user.displayName).toBe(name);
  });

  it('a new socket cannot see typing across a block made on the other gateway (socket path, repeated)', async () => {
    const [a, b, c] = await Promise.all([registerMember(apis[0]), registerMember(apis[1]), registerMember(apis[0])]);
    await connectUsers(apis[0], a, b);
    await connectUsers(apis[0], a, c);
    const conversationId = await openConversation(apis[0], a, [b.id, c.id]);
    const aRec = await socketOf(gw1, a);
    const bSocket = await connectSocket(gw2, { token: b.token });
    sockets.push(bSocket);
    for (let i = 0; i < ITERATIONS; i++) {
      const [decide] = on(i);
      await block(decide, b, a);
      expect(await emitAck(bSocket, 'typing:start', { conversationId })).toEqual({ ok: true });
      expect(await emitAck(bSocket, 'typing:stop', { conversationId })).toEqual({ ok: true });
      await unblock(decide, b, a);
      await sleep(250); // typing:start is limited to 5 per second
    }
    await sleep(300);
    expect(aRec.log.of('typing').filter((t: any) => t.userId === b.id)).toEqual([]);
  });

  it('one text policy: invisible text is 400 on every DTO and bad_request on the socket; REST and socket agree', async () => {
    const a = await registerMember(apis[0]);
    const b = await registerMember(apis[1]);
    for (const name of ['\u200b', '\u2800', '\u3164', '\u200e', '\u202eabc']) {
      expect((await apis[0].patch('/api/profiles/me', { displayName: name }, { token: a.token })).status).toBe(400);
      const reg = await apis[1].post('/api/auth/register', {
        email: `t${Math.random().toString(36).slice(2)}@example.com`,
        password: 'correct horse battery staple',
        handle: `t${Math.random().toString(36).slice(2, 12)}`,
        displayName: name,
      });
      expect(reg.status).toBe(400);
    }
    expect((await apis[0].post('/api/posts', { text: ' \n\t ' }, { token: a.token })).status).toBe(400);
    const id = await post(apis[0], a);
    expect((await apis[1].post(`/api/posts/${id}/comments`, { text: '   ' }, { token: b.token })).status).toBe(400);
    const conversationId = await openConversation(apis[0], a, [b.id]);
    const socket = (await socketOf(gw1, a)).socket;
    for (const text of ['   ', '\u200b', '\u2800']) {
      const rest = await apis[1].post(
        `/api/conversations/${conversationId}/messages`,
        { text, clientMsgId: 'x' },
        { token: a.token },
      );
      expect(rest.status).toBe(400);
      const ack = await emitAck(socket, 'message:send', { conversationId, text, clientMsgId: 'x' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    // seq 0 (nothing read) is the same on both paths.
    expect(
      (await apis[0].post(`/api/conversations/${conversationId}/read`, { seq: 0 }, { token: a.token })).status,
    ).toBe(204);
    expect(await emitAck(socket, 'message:read', { conversationId, seq: 0 })).toEqual({ ok: true });
    // Lengths count user-perceived characters: 80 emoji are an 80-character name.
    const emoji = await apis[0].patch('/api/profiles/me', { displayName: '👩‍💻'.repeat(80) }, { token: a.token });
    expect(emoji.status).toBe(200);
    const nfc = await apis[0].patch('/api/profiles/me', { displayName: 'Re\u0301my' }, { token: a.token });
    expect(nfc.body.displayName).toBe('R\u00e9my');
  });
});
