import { randomUUID } from 'node:crypto';
import { PlazaClient } from '@plaza/client';
import { connectUsers, registerMember, sharedPlatform, TEST_PASSWORD, waitFor } from '@plaza/testing';

/**
 * What a client developer does with `@plaza/client` (docs/first-calls.md): sign in, call the typed
 * REST API, open the socket, drop the connection, and get every missed event back on reconnect.
 */
describe('a Node client built on @plaza/client', () => {
  const platform = sharedPlatform();
  const clients: PlazaClient[] = [];
  afterAll(() => clients.forEach((c) => c.disconnect()));

  const signedIn = async () => {
    const member = await registerMember(platform.api[0]);
    const client = new PlazaClient({ baseUrl: platform.gateways[0] });
    clients.push(client);
    await client.signIn({ email: member.email, password: TEST_PASSWORD });
    return { member, client };
  };

  it('signs in, posts, messages, drops its connection and gets every missed event back', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    await connectUsers(platform.api[0], alice.member, bob.member);
    expect(bob.client.user?.id).toBe(bob.member.id);

    // Typed REST: the path, the body and the answer come from the OpenAPI document.
    const me = await bob.client.rest.GET('/api/auth/me');
    expect(me.data?.handle).toBe(bob.member.handle);
    const conversation = await alice.client.rest.POST('/api/conversations', { body: { memberIds: [bob.member.id] } });
    expect(conversation.response.status).toBe(201);
    const conversationId = conversation.data!.id;
    const denied = await bob.client.rest.GET('/api/posts/{id}', { params: { path: { id: randomUUID() } } });
    expect(denied.error).toMatchObject({ statusCode: 404, error: 'Not Found' });

    const received: { event: string; eventId: string; key: string }[] = [];
    const socket = bob.client.connect({ reconnection: false });
    socket.on('message:new', (m) => received.push({ event: 'message:new', eventId: m.eventId, key: m.text }));
    socket.on('feed:post', (p) => received.push({ event: 'feed:post', eventId: p.eventId, key: p.text }));
    await waitFor(() => socket.connected, { timeoutMs: 10_000, message: 'bob connected' });

    const aliceSocket = alice.client.connect();
    await waitFor(() => aliceSocket.connected, { timeoutMs: 10_000, message: 'alice connected' });
    const send = (text: string) =>
      aliceSocket.emitWithAck('message:send', { conversationId, text, clientMsgId: randomUUID() });
    expect(await send('before 1')).toMatchObject({ ok: true, message: { seq: 1 } });
    await alice.client.rest.POST('/api/posts', { body: { text: 'post before' } });
    await waitFor(() => received.length === 2, { timeoutMs: 10_000, message: 'live events before the drop' });
    expect(bob.client.lastEventId).toBe(received[1].eventId);

    socket.disconnect();
    const missed = ['missed 1', 'missed 2', 'missed 3', 'missed 4', 'missed 5'];
    for (const text of missed) expect((await send(text)).ok).toBe(true);
    for (const text of ['post missed 1', 'post missed 2'])
      expect((await alice.client.rest.POST('/api/posts', { body: { text } })).response.status).toBe(201);

    socket.connect(); // the auth callback sends the current token and lastEventId
    await waitFor(() => received.length >= 9, { timeoutMs: 15_000, message: 'every missed event' });
    await new Promise((r) => setTimeout(r, 500)); // nothing more may come: no duplicates
    const after = received.slice(2);
    expect(after.filter((e) => e.event === 'message:new').map((e) => e.key)).toEqual(missed);
    expect(after.filter((e) => e.event === 'feed:post').map((e) => e.key)).toEqual(['post missed 1', 'post missed 2']);
    const ids = received.map((e) => e.eventId);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  }, 90_000);
});
