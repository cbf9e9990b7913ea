import { grantRole, type Member, sharedPlatform, waitFor } from '@plaza/testing';
import { block, connect, feedIds, follow, members, post, waitForFeed } from './feed.helpers';

/** Posts, comments, reactions and deletion through the gateways, with every refusal. */
describe('feed: posts, comments, reactions', () => {
  const platform = sharedPlatform();
  const [api, api2] = platform.api;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  beforeAll(async () => {
    [alice, bob, carol] = await members(api, 3);
  });

  it('refuses every route without a valid token (401)', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['POST', '/api/posts'],
      ['GET', `/api/posts/${id}`],
      ['DELETE', `/api/posts/${id}`],
      ['GET', '/api/feed'],
      ['GET', `/api/users/${id}/posts`],
      ['POST', `/api/posts/${id}/comments`],
      ['GET', `/api/posts/${id}/comments`],
      ['PUT', `/api/posts/${id}/reactions`],
      ['DELETE', `/api/posts/${id}/reactions`],
      ['GET', '/api/notifications'],
      ['POST', '/api/notifications/read'],
    ]) {
      const res = await api.request(method, path, ['POST', 'PUT'].includes(method) ? {} : undefined, {
        token: 'not-a-token',
      });
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 401 });
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('creates a post and answers it with the contract shape', async () => {
    const res = await api.post('/api/posts', { text: 'Hello Plaza' }, { token: alice.token });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      author: { id: alice.id, handle: expect.any(String), displayName: expect.any(String) },
      text: 'Hello Plaza',
      visibility: 'public',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      commentCount: 0,
      reactionCounts: {},
      viewerReaction: null,
    });
    const got = await api2.get(`/api/posts/${res.body.id}`, { token: bob.token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it("shows the author's handle and display name once the feed has heard of the user", async () => {
    const created = await post(api, carol, 'card');
    const got = await waitFor(
      async () => {
        const r = await api.get(`/api/posts/${created.id}`, { token: alice.token });
        return r.body.author.handle ? r.body : null;
      },
      { timeoutMs: 5000, message: 'author card from user.registered / profile.updated' },
    );
    expect(got.author).toEqual({ id: carol.id, handle: carol.handle, displayName: carol.displayName });
  });

  it('rejects invalid bodies (400)', async () => {
    for (const body of [
      {},
      { text: '' },
      { text: 'x'.repeat(3001) },
      { text: 'ok', visibility: 'friends' },
      { text: 'ok', extra: 1 },
      { text: 'ok', idempotencyKey: '' },
    ]) {
      const res = await api.post('/api/posts', body, { token: alice.token });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect((await api.post('/api/posts', { text: 'x'.repeat(3000) }, { token: alice.token })).status).toBe(201);
    expect((await api.get('/api/posts/not-a-uuid', { token: alice.token })).status).toBe(400);
    expect((await api.get('/api/feed?limit=101', { token: alice.token })).status).toBe(400);
    expect((await api.get('/api/feed?cursor=garbage', { token: alice.token })).status).toBe(400);
  });

  it('returns the first post for a repeated idempotency key of the same author, even concurrently', async () => {
    const key = `key-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api.post('/api/posts', { text: `attempt ${i}`, idempotencyKey: key }, { token: alice.token }),
      ),
    );
    const ids = new Set(results.map((r) => r.body.id));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(ids.size).toBe(1);
    const again = await api.post('/api/posts', { text: 'later', idempotencyKey: key }, { token: alice.token });
    expect(again.body.id).toBe(results[0].body.id);
    expect(again.body.text).toBe(results[0].body.text);
    // Another author's same key is another post.
    const bobs = await api.post('/api/posts', { text: 'bob', idempotencyKey: key }, { token: bob.token });
    expect(bobs.body.id).not.toBe(again.body.id);
    const mine = await api.get(`/api/users/${alice.id}/posts?limit=100`, { token: alice.token });
    expect(mine.body.items.filter((p: { id: string }) => p.id === again.body.id)).toHaveLength(1);
  });

  describe('visibility: connections', () => {
    let author: Member;
    let friend: Member;
    let follower: Member;
    let stranger: Member;
    let secret: any;
    let open: any;

    beforeAll(async () => {
      [author, friend, follower, stranger] = await members(api, 4);
      await connect(api, author, friend);
      await follow(api, follower, author);
      secret = await post(api, author, 'connections only', { visibility: 'connections' });
      open = await post(api, author, 'for everyone');
      await waitForFeed(api, friend, (ids) => ids.includes(secret.id), 'connection sees the post');
      await waitForFeed(api, follower, (ids) => ids.includes(open.id), 'follower sees the public post');
    });

    it('shows a connections post to the connection by every route', async () => {
      expect((await api.get(`/api/posts/${secret.id}`, { token: friend.token })).status).toBe(200);
      const list = await api.get(`/api/users/${author.id}/posts`, { token: friend.token });
      expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([open.id, secret.id]);
      expect(
        (await api.post(`/api/posts/${secret.id}/comments`, { text: 'nice' }, { token: friend.token })).status,
      ).toBe(201);
      expect(
        (await api.put(`/api/posts/${secret.id}/reactions`, { type: 'like' }, { token: friend.token })).status,
      ).toBe(204);
    });

    it('never shows it to a follower who is not a connection, nor to a stranger, by any route', async () => {
      for (const viewer of [follower, stranger]) {
        expect((await api.get(`/api/posts/${secret.id}`, { token: viewer.token })).status).toBe(404);
        const list = await api.get(`/api/users/${author.id}/posts`, { token: viewer.token });
        expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([open.id]);
        expect(await feedIds(api, viewer, '?limit=100')).not.toContain(secret.id);
        expect((await api.get(`/api/posts/${secret.id}/comments`, { token: viewer.token })).status).toBe(404);
        expect(
          (await api.post(`/api/posts/${secret.id}/comments`, { text: 'hi' }, { token: viewer.token })).status,
        ).toBe(404);
        expect(
          (await api.put(`/api/posts/${secret.id}/reactions`, { type: 'like' }, { token: viewer.token })).status,
        ).toBe(404);
        expect((await api.delete(`/api/posts/${secret.id}/reactions`, { token: viewer.token })).status).toBe(404);
        // Not visible: 404, never 403, so its existence is not revealed.
        expect((await api.delete(`/api/posts/${secret.id}`, { token: viewer.token })).status).toBe(404);
      }
      // A public post the stranger can see but not delete: 403.
      expect((await api.delete(`/api/posts/${open.id}`, { token: stranger.token })).status).toBe(403);
      expect(await feedIds(api, follower, '?limit=100')).toContain(open.id);
    });
  });

  describe('blocks', () => {
    it('hide posts, lists and comments both ways', async () => {
      const [a, b, c] = await members(api, 3);
      await follow(api, b, a);
      const p = await post(api, a, 'before the block');
      await waitForFeed(api, b, (ids) => ids.includes(p.id), 'follower sees the post');
      expect((await api.post(`/api/posts/${p.id}/comments`, { text: 'from b' }, { token: b.token })).status).toBe(201);
      expect((await api.post(`/api/posts/${p.id}/comments`, { text: 'from c' }, { token: c.token })).status).toBe(201);
      await block(api, a, b);
      await waitForFeed(api, b, (ids) => !ids.includes(p.id), 'the blocked user no longer sees the post');
      expect((await api.get(`/api/posts/${p.id}`, { token: b.token })).status).toBe(404);
      expect((await api.get(`/api/users/${a.id}/posts`, { token: b.token })).body.items).toEqual([]);
      expect((await api.put(`/api/posts/${p.id}/reactions`, { type: 'like' }, { token: b.token })).status).toBe(404);
      // The blocker does not see the blocked user's posts or comments either.
      const bp = await post(api, b, 'by the blocked');
      expect((await api.get(`/api/posts/${bp.id}`, { token: a.token })).status).toBe(404);
      const comments = await api.get(`/api/posts/${p.id}/comments`, { token: a.token });
      expect(comments.body.items.map((x: { text: string }) => x.text)).toEqual(['from c']);
    });
  });

  it('lists comments oldest first, paginated, and counts them on the post', async () => {
    const p = await post(api, alice, 'comment me');
    for (let i = 0; i < 5; i++) {
      const res = await api.post(
        `/api/posts/${p.id}/comments`,
        { text: `c${i}` },
        { token: i % 2 ? bob.token : alice.token },
      );
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        postId: p.id,
        author: expect.objectContaining({ id: i % 2 ? bob.id : alice.id }),
        text: `c${i}`,
        createdAt: expect.any(String),
      });
    }
    expect(
      (await api.post(`/api/posts/${p.id}/comments`, { text: 'x'.repeat(1001) }, { token: bob.token })).status,
    ).toBe(400);
    const first = await api.get(`/api/posts/${p.id}/comments?limit=3`, { token: bob.token });
    expect(first.body.items.map((c: { text: string }) => c.text)).toEqual(['c0', 'c1', 'c2']);
    const second = await api.get(`/api/posts/${p.id}/comments?limit=3&cursor=${first.body.nextCursor}`, {
      token: bob.token,
    });
    expect(second.body.items.map((c: { text: string }) => c.text)).toEqual(['c3', 'c4']);
    expect(second.body.nextCursor).toBeNull();
    expect((await api.get(`/api/posts/${p.id}`, { token: bob.token })).body.commentCount).toBe(5);
  });

  it('keeps one reaction per user and exact counts under concurrent reactions', async () => {
    const p = await post(api, alice, 'react to me');
    const crowd = await members(api, 12);
    const types = ['like', 'celebrate', 'support', 'insightful'];
    // Each user reacts three times at once (last type wins); all users at once.
    await Promise.all(
      crowd.flatMap((m, i) =>
        [0, 1, 2].map((k) =>
          (k % 2 ? api2 : api).put(`/api/posts/${p.id}/reactions`, { type: types[(i + k) % 4] }, { token: m.token }),
        ),
      ),
    );
    const got = await api.get(`/api/posts/${p.id}`, { token: crowd[0].token });
    const counts = got.body.reactionCounts as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(12);
    expect(types).toContain(got.body.viewerReaction);
    // Deterministic after a sequential overwrite.
    await Promise.all(crowd.map((m) => api.put(`/api/posts/${p.id}/reactions`, { type: 'like' }, { token: m.token })));
    await Promise.all(crowd.slice(0, 4).map((m) => api.delete(`/api/posts/${p.id}/reactions`, { token: m.token })));
    const after = await api.get(`/api/posts/${p.id}`, { token: crowd[5].token });
    expect(after.body.reactionCounts).toEqual({ like: 8 });
    expect(after.body.viewerReaction).toBe('like');
    expect((await api.get(`/api/posts/${p.id}`, { token: crowd[0].token })).body.viewerReaction).toBeNull();
    expect((await api.put(`/api/posts/${p.id}/reactions`, { type: 'love' }, { token: bob.token })).status).toBe(400);
  });

  it('lets the author delete; the post is gone from every route', async () => {
    const p = await post(api, alice, 'to delete');
    expect((await api.delete(`/api/posts/${p.id}`, { token: alice.token })).status).toBe(204);
    expect((await api.get(`/api/posts/${p.id}`, { token: alice.token })).status).toBe(404);
    expect((await api.delete(`/api/posts/${p.id}`, { token: alice.token })).status).toBe(404);
    expect(await feedIds(api, alice, '?limit=100')).not.toContain(p.id);
  });

  it("lets a moderator delete anyone's post, and the deletion is audited", async () => {
    const [mod] = await members(api, 1);
    await grantRole(platform.env, mod.email, 'moderator');
    const p = await post(api, bob, 'moderate me');
    expect((await api.delete(`/api/posts/${p.id}`, { token: carol.token })).status).toBe(403);
    expect((await api.delete(`/api/posts/${p.id}`, { token: mod.token })).status).toBe(204);
    expect((await api.get(`/api/posts/${p.id}`, { token: bob.token })).status).toBe(404);
    const [admin] = await members(api, 1);
    await grantRole(platform.env, admin.email, 'admin');
    const entry = await waitFor(
      async () => {
        const res = await api.get('/api/admin/audit?limit=100', { token: admin.token });
        return (res.body.items as Array<{ action: string; targetId: string; actorId: string }> | undefined)?.find(
          (e) => e.targetId === p.id,
        );
      },
      { timeoutMs: 5000, message: 'audit entry of the moderation delete' },
    );
    expect(entry).toMatchObject({ actorId: mod.id, action: 'post.deleted', targetId: p.id });
  });
});
