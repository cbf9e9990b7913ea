import { spawn } from 'node:child_process';
import { ConversationMembers } from '@plaza/realtime';
import Redis from 'ioredis';
import {
  internalClient,
  connectRecording,
  connectUsers,
  freePort,
  mainFile,
  type Member,
  openConversation,
  registerMember,
  sharedPlatform,
  type TestSocket,
  waitFor,
} from '@plaza/testing';

describe('messaging: read models from the graph events, and ordering across messaging instances', () => {
  const platform = sharedPlatform();
  const [api1, api2] = platform.api;

  it('shows members by handle and name from user.registered, and follows profile.updated', async () => {
    const [ada, bob] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const bobAsShown = async () =>
      (
        (await api1.get(`/api/conversations/${id}`, { token: ada.token })).body.members as Array<{
          id: string;
          handle: string;
          displayName: string;
        }>
      ).find((m) => m.id === bob.id);
    await waitFor(async () => (await bobAsShown())?.handle === bob.handle, { message: "bob's handle in messaging" });
    expect(await bobAsShown()).toEqual({ id: bob.id, handle: bob.handle, displayName: bob.displayName });

    expect((await api2.patch('/api/profiles/me', { displayName: 'Robert Renamed' }, { token: bob.token })).status).toBe(
      200,
    );
    await waitFor(async () => (await bobAsShown())?.displayName === 'Robert Renamed', {
      message: 'the new name in messaging',
    });
  });

  it('stops accepting a former connection into groups once the connection is removed', async () => {
    const [ada, bob, cyd] = await Promise.all([registerMember(api1), registerMember(api2), registerMember(api2)]);
    await connectUsers(api1, ada, bob);
    await connectUsers(api1, ada, cyd);
    const id = await openConversation(api1, ada, [bob.id, cyd.id], 'Before');
    expect((await api1.delete(`/api/conversations/${id}/members/me`, { token: cyd.token })).status).toBe(204);
    expect((await api2.delete(`/api/connections/${cyd.id}`, { token: ada.token })).status).toBe(204);
    // Probe with group creations (a refusal changes nothing), then the add must be refused too.
    await waitFor(
      async () =>
        (await api1.post('/api/conversations', { memberIds: [bob.id, cyd.id] }, { token: ada.token })).status === 403,
      {
        timeoutMs: 10_000,
        message: 'connection.removed to reach messaging',
      },
    );
    expect(
      (await api1.post(`/api/conversations/${id}/members`, { userIds: [cyd.id] }, { token: ada.token })).status,
    ).toBe(403);
    const group = await api1.get(`/api/conversations/${id}`, { token: ada.token });
    expect(group.body.members.map((m: { id: string }) => m.id).sort()).toEqual([ada.id, bob.id].sort());
  });

  it('a starting instance restores lost Redis member sets; two instances deliver one conversation in seq order', async () => {
    // A conversation whose Redis membership set was lost (Redis keeps nothing on disk).
    const [eve, fay] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const lost = await openConversation(api1, eve, [fay.id]);
    const redis = new Redis(platform.env.REDIS_URL);
    const members = new ConversationMembers(redis);
    await members.set(lost, []); // an empty set is no set: as after a Redis restart
    const port = await freePort();
    const second = spawn(process.execPath, [mainFile('messaging')], {
      env: { ...process.env, ...platform.env, MESSAGING_PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const sockets: TestSocket[] = [];
    try {
      const messaging2 = internalClient(`http://127.0.0.1:${port}`, platform.env);
      await waitFor(async () => (await messaging2.get('/health/ready').catch(() => ({ status: 0 }))).status === 200, {
        timeoutMs: 20_000,
        message: 'second messaging instance',
      });
      await waitFor(async () => (await members.members(lost)).length === 2, {
        message: 'restored member set',
      });
      expect((await members.members(lost)).sort()).toEqual([eve.id, fay.id].sort());

      const messaging1 = internalClient(platform.apps.messaging, platform.env);
      const [ada, bob]: Member[] = await Promise.all([registerMember(api1), registerMember(api2)]);
      const id = await openConversation(api1, ada, [bob.id]);
      const watchers = await Promise.all([
        connectRecording(platform.gateways[0], { token: ada.token }),
        connectRecording(platform.gateways[1], { token: bob.token }),
      ]);
      sockets.push(...watchers.map((w) => w.socket));

      const sent = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? messaging1 : messaging2).post(
            `/api/conversations/${id}/messages`,
            { text: `m${i}`, clientMsgId: `two-${i}` },
            { token: (i % 4 < 2 ? ada : bob).token },
          ),
        ),
      );
      expect(sent.every((r) => r.status === 201)).toBe(true);
      expect(sent.map((r) => r.body.seq as number).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      for (const { log } of watchers) {
        await waitFor(() => log.of('message:new').length >= 40, { message: '40 message:new' });
        expect(log.of('message:new').map((m: { seq: number }) => m.seq)).toEqual(
          Array.from({ length: 40 }, (_, i) => i + 1),
        );
      }
    } finally {
      for (const s of sockets) s.close();
      redis.disconnect();
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
  });
});
