import { type ApiClient, type Member, registerMember, sharedPlatform } from '@plaza/testing';

type Relationship = { connection: string; following: boolean; followedBy: boolean; blocked: boolean };

/** Connections, follows, blocks and suggestions through both gateways. */
describe('social graph', () => {
  const platform = sharedPlatform();
  const api: ApiClient = platform.api[0];
  const api2: ApiClient = platform.api[1];

  const members = (n: number) => Promise.all(Array.from({ length: n }, () => registerMember(api)));
  const profile = async (viewer: Member, subject: Member) => {
    const res = await api.get(`/api/profiles/${subject.handle}`, { token: viewer.token });
    expect(res.status).toBe(200);
    return res.body as {
      connectionCount: number;
      followerCount: number;
      followingCount: number;
      relationship: Relationship;
    };
  };
  const relationship = async (viewer: Member, subject: Member) => (await profile(viewer, subject)).relationship;
  const requestFrom = (from: Member, to: Member) =>
    api.post('/api/connections/requests', { userId: to.id }, { token: from.token });
  const connect = async (a: Member, b: Member) => {
    const sent = await requestFrom(a, b);
    expect(sent.status).toBe(201);
    const accepted = await api2.post(`/api/connections/requests/${sent.body.id}/accept`, undefined, { token: b.token });
    expect(accepted.status).toBe(200);
  };

  describe('connection requests', () => {
    let a: Member, b: Member, c: Member;
    beforeAll(async () => {
      [a, b, c] = await members(3);
    });

    it('creates a pending request (201), visible to both sides, and refuses a duplicate (409)', async () => {
      const res = await requestFrom(a, b);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        fromUserId: a.id,
        toUserId: b.id,
        status: 'pending',
        createdAt: expect.any(String),
      });
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);

      expect(await relationship(a, b)).toEqual({
        connection: 'pending_outgoing',
        following: false,
        followedBy: false,
        blocked: false,
      });
      expect((await relationship(b, a)).connection).toBe('pending_incoming');

      const incoming = await api2.get('/api/connections/requests?direction=incoming', { token: b.token });
      expect(incoming.status).toBe(200);
      expect(incoming.body).toEqual({
        items: [
          {
            ...res.body,
            user: { id: a.id, handle: a.handle, displayName: a.displayName, headline: expect.any(String) },
          },
        ],
        nextCursor: null,
      });
      const outgoing = await api.get('/api/connections/requests?direction=outgoing', { token: a.token });
      expect(outgoing.body.items.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
      expect((await api.get('/api/connections/requests', { token: a.token })).body.items).toEqual([]);

      const again = await requestFrom(a, b);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    });

    it('lets only the recipient accept or decline: anyone else gets 404', async () => {
      const { body } = await api.get('/api/connections/requests?direction=outgoing', { token: a.token });
      const id = body.items[0].id as string;
      for (const who of [a, c]) {
        expect((await api.post(`/api/connections/requests/${id}/accept`, undefined, { token: who.token })).status).toBe(
          404,
        );
        expect(
          (await api.post(`/api/connections/requests/${id}/decline`, undefined, { token: who.token })).status,
        ).toBe(404);
      }
      expect(
        (
          await api.post('/api/connections/requests/00000000-0000-4000-8000-000000000000/accept', undefined, {
            token: b.token,
          })
        ).status,
      ).toBe(404);
      expect(
        (await api.post('/api/connections/requests/not-a-uuid/accept', undefined, { token: b.token })).status,
      ).toBe(400);
      // The recipient cannot withdraw it; the sender can't accept it.
      expect((await api.delete(`/api/connections/requests/${id}`, { token: b.token })).status).toBe(404);
    });

    it('accepting connects both, makes them follow each other and updates every count', async () => {
      const { body } = await api.get('/api/connections/requests', { token: b.token });
      const accepted = await api.post(`/api/connections/requests/${body.items[0].id}/accept`, undefined, {
        token: b.token,
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({
        id: body.items[0].id,
        fromUserId: a.id,
        toUserId: b.id,
        status: 'accepted',
      });

      expect(await relationship(a, b)).toEqual({
        connection: 'connected',
        following: true,
        followedBy: true,
        blocked: false,
      });
      expect(await relationship(b, a)).toEqual({
        connection: 'connected',
        following: true,
        followedBy: true,
        blocked: false,
      });
      expect(await profile(c, a)).toMatchObject({ connectionCount: 1, followerCount: 1, followingCount: 1 });
      expect(await profile(c, b)).toMatchObject({ connectionCount: 1, followerCount: 1, followingCount: 1 });

      const list = await api.get('/api/connections', { token: a.token });
      expect(list.status).toBe(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([b.id]);
      expect(list.body.items[0].relationship.connection).toBe('connected');
      expect(list.body.nextCursor).toBeNull();

      // Answering again, or requesting again, conflicts.
      expect(
        (await api.post(`/api/connections/requests/${body.items[0].id}/decline`, undefined, { token: b.token })).status,
      ).toBe(409);
      expect((await requestFrom(a, b)).status).toBe(409);
      expect((await requestFrom(b, a)).status).toBe(409);
      // Connections follow each other: unfollowing alone is refused.
      expect((await api.delete(`/api/follows/${b.id}`, { token: a.token })).status).toBe(409);
    });

    it('removing a connection removes the implied follows both ways (204), then 404', async () => {
      expect((await api.delete(`/api/connections/${b.id}`, { token: a.token })).status).toBe(204);
      expect(await relationship(a, b)).toEqual({
        connection: 'none',
        following: false,
        followedBy: false,
        blocked: false,
      });
      expect(await profile(c, a)).toMatchObject({ connectionCount: 0, followerCount: 0, followingCount: 0 });
      expect(await profile(c, b)).toMatchObject({ connectionCount: 0, followerCount: 0, followingCount: 0 });
      expect((await api.delete(`/api/connections/${b.id}`, { token: a.token })).status).toBe(404);
      expect((await api.get('/api/connections', { token: b.token })).body.items).toEqual([]);
    });

    it('a request to someone who already asked you accepts theirs', async () => {
      const theirs = await requestFrom(c, a);
      expect(theirs.status).toBe(201);
      const mine = await requestFrom(a, c);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: theirs.body.id, fromUserId: c.id, toUserId: a.id, status: 'accepted' });
      expect((await relationship(a, c)).connection).toBe('connected');
      expect((await api.get('/api/connections/requests', { token: a.token })).body.items).toEqual([]);
      await api.delete(`/api/connections/${c.id}`, { token: c.token });
    });

    it('decline and withdraw end a pending request; a new one may follow', async () => {
      const first = await requestFrom(a, b);
      const declined = await api.post(`/api/connections/requests/${first.body.id}/decline`, undefined, {
        token: b.token,
      });
      expect(declined.status).toBe(200);
      expect(declined.body.status).toBe('declined');
      expect((await relationship(a, b)).connection).toBe('none');

      const second = await requestFrom(a, b);
      expect(second.status).toBe(201);
      expect((await api.delete(`/api/connections/requests/${second.body.id}`, { token: a.token })).status).toBe(204);
      expect((await api.delete(`/api/connections/requests/${second.body.id}`, { token: a.token })).status).toBe(404);
      expect(
        (await api.post(`/api/connections/requests/${second.body.id}/accept`, undefined, { token: b.token })).status,
      ).toBe(409);
      expect((await relationship(b, a)).connection).toBe('none');
    });

    it('refuses a request to yourself (400), to an unknown user (404), unknown fields and bad ids (400)', async () => {
      expect((await requestFrom(a, a)).status).toBe(400);
      expect(
        (
          await api.post(
            '/api/connections/requests',
            { userId: '00000000-0000-4000-8000-000000000000' },
            { token: a.token },
          )
        ).status,
      ).toBe(404);
      expect((await api.post('/api/connections/requests', { userId: 'nope' }, { token: a.token })).status).toBe(400);
      expect((await api.post('/api/connections/requests', {}, { token: a.token })).status).toBe(400);
      expect(
        (await api.post('/api/connections/requests', { userId: b.id, note: 'hi' }, { token: a.token })).status,
      ).toBe(400);
      expect((await api.get('/api/connections/requests?direction=sideways', { token: a.token })).status).toBe(400);
    });
  });

  describe('follows', () => {
    let a: Member, b: Member;
    beforeAll(async () => {
      [a, b] = await members(2);
    });

    it('PUT is idempotent and counts once; DELETE likewise', async () => {
      for (let i = 0; i < 2; i++)
        expect((await api.put(`/api/follows/${b.id}`, undefined, { token: a.token })).status).toBe(204);
      expect(await relationship(a, b)).toEqual({
        connection: 'none',
        following: true,
        followedBy: false,
        blocked: false,
      });
      expect((await relationship(b, a)).followedBy).toBe(true);
      expect(await profile(b, b)).toMatchObject({ followerCount: 1, followingCount: 0 });
      expect(await profile(a, a)).toMatchObject({ followerCount: 0, followingCount: 1 });
      for (let i = 0; i < 2; i++)
        expect((await api2.delete(`/api/follows/${b.id}`, { token: a.token })).status).toBe(204);
      expect(await profile(a, b)).toMatchObject({ followerCount: 0, relationship: { following: false } });
      expect(await profile(a, a)).toMatchObject({ followingCount: 0 });
    });

    it('refuses following yourself (400), an unknown user (404) and a bad id (400)', async () => {
      expect((await api.put(`/api/follows/${a.id}`, undefined, { token: a.token })).status).toBe(400);
      expect(
        (await api.put('/api/follows/00000000-0000-4000-8000-000000000000', undefined, { token: a.token })).status,
      ).toBe(404);
      expect((await api.put('/api/follows/abc', undefined, { token: a.token })).status).toBe(400);
    });
  });

  describe('blocks', () => {
    let a: Member, b: Member, c: Member;
    beforeAll(async () => {
      [a, b, c] = await members(3);
    });

    it('removes the connection, follows both ways and pending requests; the blocked viewer gets 404', async () => {
      await connect(a, b);
      expect((await api.put(`/api/follows/${a.id}`, undefined, { token: c.token })).status).toBe(204);
      expect((await api.put(`/api/follows/${c.id}`, undefined, { token: a.token })).status).toBe(204);
      expect((await requestFrom(c, a)).status).toBe(201);

      expect((await api.put(`/api/blocks/${b.id}`, undefined, { token: a.token })).status).toBe(204);
      expect((await api.put(`/api/blocks/${c.id}`, undefined, { token: a.token })).status).toBe(204);
      expect((await api.put(`/api/blocks/${c.id}`, undefined, { token: a.token })).status).toBe(204);

      for (const blocked of [b, c]) {
        const seen = await api.get(`/api/profiles/${a.handle}`, { token: blocked.token });
        expect(seen.status).toBe(404);
        expect(seen.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
        expect(await relationship(a, blocked)).toEqual({
          connection: 'none',
          following: false,
          followedBy: false,
          blocked: true,
        });
      }
      expect(await profile(a, a)).toMatchObject({ connectionCount: 0, followerCount: 0, followingCount: 0 });
      expect(await profile(b, b)).toMatchObject({ connectionCount: 0, followerCount: 0, followingCount: 0 });
      expect(await profile(c, c)).toMatchObject({ connectionCount: 0, followerCount: 0, followingCount: 0 });
      expect((await api.get('/api/connections', { token: b.token })).body.items).toEqual([]);
      expect((await api.get('/api/connections/requests', { token: a.token })).body.items).toEqual([]);
      expect((await api.get('/api/connections/requests?direction=outgoing', { token: c.token })).body.items).toEqual(
        [],
      );
    });

    it('the blocked user cannot follow or ask to connect (404, as if unknown); the blocker gets 409', async () => {
      expect((await api.put(`/api/follows/${a.id}`, undefined, { token: b.token })).status).toBe(404);
      expect((await api.delete(`/api/follows/${a.id}`, { token: b.token })).status).toBe(404);
      expect((await requestFrom(b, a)).status).toBe(404);
      expect((await api.put(`/api/follows/${b.id}`, undefined, { token: a.token })).status).toBe(409);
      expect((await requestFrom(a, b)).status).toBe(409);
      expect((await api.put(`/api/blocks/${a.id}`, undefined, { token: a.token })).status).toBe(400);
      expect(
        (await api.put('/api/blocks/00000000-0000-4000-8000-000000000000', undefined, { token: a.token })).status,
      ).toBe(404);
    });

    it('unblocking (idempotent) makes the profile visible again and restores nothing', async () => {
      for (let i = 0; i < 2; i++)
        expect((await api.delete(`/api/blocks/${b.id}`, { token: a.token })).status).toBe(204);
      expect(await relationship(b, a)).toEqual({
        connection: 'none',
        following: false,
        followedBy: false,
        blocked: false,
      });
      expect((await api.put(`/api/follows/${a.id}`, undefined, { token: b.token })).status).toBe(204);
    });
  });

  describe('suggestions', () => {
    it('ranks second-degree connections by mutual connections and leaves out connections, pending requests, blocks and self', async () => {
      const [me, f1, f2, f3, two, one, pending, blocker, blockedByMe, follower, stranger] = await members(11);
      for (const f of [f1, f2, f3]) await connect(me, f);
      // `two` shares f1 and f2 with me; `one` shares f3.
      await connect(f1, two);
      await connect(f2, two);
      await connect(f3, one);
      for (const x of [pending, blocker, blockedByMe]) await connect(f1, x);
      expect((await requestFrom(pending, me)).status).toBe(201);
      expect((await api.put(`/api/blocks/${me.id}`, undefined, { token: blocker.token })).status).toBe(204);
      expect((await api.put(`/api/blocks/${blockedByMe.id}`, undefined, { token: me.token })).status).toBe(204);
      expect((await api.put(`/api/follows/${me.id}`, undefined, { token: follower.token })).status).toBe(204);
      void stranger;

      const res = await api.get('/api/profiles/me/suggestions', { token: me.token });
      expect(res.status).toBe(200);
      expect(res.body.items.map((p: { id: string }) => p.id)).toEqual([two.id, one.id, follower.id]);
      expect(res.body.items[0].relationship).toEqual({
        connection: 'none',
        following: false,
        followedBy: false,
        blocked: false,
      });
      expect(res.body.items[2].relationship.followedBy).toBe(true);

      const page1 = await api.get('/api/profiles/me/suggestions?limit=2', { token: me.token });
      expect(page1.body.items.map((p: { id: string }) => p.id)).toEqual([two.id, one.id]);
      const page2 = await api.get(`/api/profiles/me/suggestions?limit=2&cursor=${page1.body.nextCursor}`, {
        token: me.token,
      });
      expect(page2.body).toMatchObject({ items: [{ id: follower.id }], nextCursor: null });
    });
  });

  describe('concurrency', () => {
    it('keeps follower counts exact under concurrent follows and unfollows', async () => {
      const [star, ...fans] = await members(13);
      const both = [api, api2];
      await Promise.all(
        fans.flatMap((f, i) =>
          [0, 1, 2].map(() => both[i % 2].put(`/api/follows/${star.id}`, undefined, { token: f.token })),
        ),
      );
      expect(await profile(star, star)).toMatchObject({ followerCount: 12 });
      for (const f of fans) expect((await profile(f, f)).followingCount).toBe(1);
      await Promise.all(
        fans
          .slice(0, 5)
          .flatMap((f, i) => [0, 1].map(() => both[i % 2].delete(`/api/follows/${star.id}`, { token: f.token }))),
      );
      expect(await profile(star, star)).toMatchObject({ followerCount: 7 });
    });

    it('keeps connection counts exact when everyone accepts at once, and crossing requests connect once', async () => {
      const [hub, ...spokes] = await members(11);
      const sent = await Promise.all(spokes.map((s) => requestFrom(s, hub)));
      expect(sent.map((r) => r.status)).toEqual(spokes.map(() => 201));
      // Each request accepted twice at once through both gateways: one wins, the other conflicts.
      const answers = await Promise.all(
        sent.flatMap((r) =>
          [api, api2].map((client) =>
            client.post(`/api/connections/requests/${r.body.id}/accept`, undefined, { token: hub.token }),
          ),
        ),
      );
      expect(answers.filter((r) => r.status === 200)).toHaveLength(10);
      expect(answers.filter((r) => r.status === 409)).toHaveLength(10);
      expect(await profile(hub, hub)).toMatchObject({ connectionCount: 10, followerCount: 10, followingCount: 10 });

      // Two users asking each other at the same moment end up connected exactly once.
      const [x, y] = await members(2);
      const crossing = await Promise.all([
        requestFrom(x, y),
        api2.post('/api/connections/requests', { userId: x.id }, { token: y.token }),
      ]);
      expect(crossing.map((r) => r.status).sort()).toEqual([200, 201]);
      expect(await profile(x, x)).toMatchObject({ connectionCount: 1, followerCount: 1, followingCount: 1 });
      expect(await profile(y, y)).toMatchObject({ connectionCount: 1, followerCount: 1, followingCount: 1 });
    });
  });
});
