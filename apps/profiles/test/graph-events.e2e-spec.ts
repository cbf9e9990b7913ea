import {
  type ApiClient,
  type Member,
  readEventStream,
  registerMember,
  sharedPlatform,
  sleep,
  type StreamEvent,
  waitFor,
} from '@plaza/testing';

/** Every graph change reaches the profiles stream exactly once, with the payload consumers rely on. */
describe('profiles: graph events', () => {
  const platform = sharedPlatform();
  const api: ApiClient = platform.api[0];
  const stream = `${platform.env.EVENTS_STREAM_PREFIX ?? 'plaza:events'}:profiles`;

  it('publishes each change once, in order, with its payload', async () => {
    const [a, b]: Member[] = await Promise.all([registerMember(api), registerMember(api)]);
    const ours = (e: StreamEvent) =>
      Object.values(e.payload).some((v) => v === a.id) && Object.values(e.payload).some((v) => v === b.id);

    expect((await api.put(`/api/follows/${b.id}`, undefined, { token: a.token })).status).toBe(204);
    expect((await api.put(`/api/follows/${b.id}`, undefined, { token: a.token })).status).toBe(204);
    expect((await api.delete(`/api/follows/${b.id}`, { token: a.token })).status).toBe(204);
    const sent = await api.post('/api/connections/requests', { userId: b.id }, { token: a.token });
    expect(
      (await api.post(`/api/connections/requests/${sent.body.id}/accept`, undefined, { token: b.token })).status,
    ).toBe(200);
    expect((await api.delete(`/api/connections/${a.id}`, { token: b.token })).status).toBe(204);
    expect((await api.put(`/api/follows/${a.id}`, undefined, { token: b.token })).status).toBe(204);
    expect((await api.put(`/api/blocks/${b.id}`, undefined, { token: a.token })).status).toBe(204);
    expect((await api.put(`/api/blocks/${b.id}`, undefined, { token: a.token })).status).toBe(204);
    expect((await api.delete(`/api/blocks/${b.id}`, { token: a.token })).status).toBe(204);
    expect((await api.delete(`/api/blocks/${b.id}`, { token: a.token })).status).toBe(204);

    const expected: Array<[string, Record<string, unknown>]> = [
      ['follow.created', { followerId: a.id, followeeId: b.id }],
      ['follow.removed', { followerId: a.id, followeeId: b.id }],
      ['connection.requested', { requestId: sent.body.id, fromUserId: a.id, toUserId: b.id }],
      ['connection.accepted', { userAId: a.id, userBId: b.id, requestId: sent.body.id }],
      ['connection.created', { userAId: a.id, userBId: b.id, requestId: sent.body.id }],
      ['follow.created', { followerId: a.id, followeeId: b.id, viaConnection: true }],
      ['follow.created', { followerId: b.id, followeeId: a.id, viaConnection: true }],
      ['connection.removed', { userAId: b.id, userBId: a.id }],
      ['follow.removed', { followerId: b.id, followeeId: a.id }],
      ['follow.removed', { followerId: a.id, followeeId: b.id }],
      ['follow.created', { followerId: b.id, followeeId: a.id }],
      // The block comes before its consequences, so that consumers apply it first.
      ['block.created', { blockerId: a.id, blockedId: b.id }],
      ['follow.removed', { followerId: b.id, followeeId: a.id }],
      ['block.removed', { blockerId: a.id, blockedId: b.id }],
    ];
    const published = await waitFor(
      async () => {
        const events = (await readEventStream(platform.env.REDIS_URL, stream)).filter(ours);
        return events.length >= expected.length ? events : null;
      },
      { timeoutMs: 5000, message: 'graph events on the stream' },
    );
    // A late duplicate would show up after the relay's next pass.
    await sleep(300);
    const events = (await readEventStream(platform.env.REDIS_URL, stream)).filter(ours);
    expect(events.map((e) => [e.name, e.payload])).toEqual(expected);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(published).toHaveLength(expected.length);
  });

  it('publishes one event per change when the same change races through both gateways', async () => {
    const [a, b] = await Promise.all([registerMember(api), registerMember(api)]);
    const both = platform.api;
    const follows = await Promise.all(
      Array.from({ length: 6 }, (_, i) => both[i % 2].put(`/api/follows/${b.id}`, undefined, { token: a.token })),
    );
    expect(follows.map((r) => r.status)).toEqual(Array(6).fill(204));
    const blocks = await Promise.all(
      Array.from({ length: 6 }, (_, i) => both[i % 2].put(`/api/blocks/${a.id}`, undefined, { token: b.token })),
    );
    expect(blocks.map((r) => r.status)).toEqual(Array(6).fill(204));
    const count = async (name: string) =>
      (await readEventStream(platform.env.REDIS_URL, stream)).filter(
        (e) => e.name === name && Object.values(e.payload).includes(a.id) && Object.values(e.payload).includes(b.id),
      ).length;
    await waitFor(async () => (await count('block.created')) > 0, { timeoutMs: 5000, message: 'block.created' });
    await sleep(300);
    expect({
      followCreated: await count('follow.created'),
      followRemoved: await count('follow.removed'),
      blockCreated: await count('block.created'),
    }).toEqual({ followCreated: 1, followRemoved: 1, blockCreated: 1 });
  });

  it('publishes profile.updated with the new name and headline, once per change', async () => {
    const a = await registerMember(api);
    // An empty PATCH answers the profile and publishes nothing.
    expect((await api.patch('/api/profiles/me', {}, { token: a.token })).status).toBe(200);
    expect(
      (await api.patch('/api/profiles/me', { displayName: 'New Name', headline: 'New headline' }, { token: a.token }))
        .status,
    ).toBe(200);
    const updates = await waitFor(
      async () => {
        const events = (await readEventStream(platform.env.REDIS_URL, stream)).filter(
          (e) => e.name === 'profile.updated' && e.payload.userId === a.id,
        );
        return events.length ? events : null;
      },
      { timeoutMs: 5000, message: 'profile.updated' },
    );
    expect(updates.map((e) => e.payload)).toEqual([
      { userId: a.id, handle: a.handle, displayName: 'New Name', headline: 'New headline' },
    ]);
  });
});
