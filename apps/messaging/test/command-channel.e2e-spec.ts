import {
  COMMAND_CHANNEL_HEADER,
  COMMAND_CHANNEL_PATH,
  type CommandOutcome,
  commandChannelKey,
  type MessagePayload,
} from '@plaza/realtime';
import {
  apiClient,
  blockUser,
  type Member,
  openConversation,
  readEventStream,
  registerMember,
  sharedPlatform,
  waitFor,
} from '@plaza/testing';

/**
 * The gateway → messaging command channel: many sockets' `message:send` in one request, stored
 * by one group commit. Driven directly here (the socket path through the gateways is covered by
 * realtime.e2e-spec.ts) so that one batch can mix conversations, retries and refusals.
 */
describe('messaging: command channel (batched message:send)', () => {
  const platform = sharedPlatform();
  const [api1, api2] = platform.api;
  const messaging = apiClient(platform.apps.messaging);
  const key = commandChannelKey(platform.env.JWT_SECRET);
  const run = (commands: unknown[], headers: Record<string, string> = { [COMMAND_CHANNEL_HEADER]: key }) =>
    messaging.post<{ outcomes: CommandOutcome[] }>(COMMAND_CHANNEL_PATH, { commands }, { headers });
  const history = async (member: Member, id: string) =>
    (
      await api1.get<{ items: MessagePayload[] }>(`/api/conversations/${id}/messages?afterSeq=0&limit=100`, {
        token: member.token,
      })
    ).body.items;

  it('refuses callers without the gateway key (401) and stores nothing', async () => {
    const [ada, bob] = await Promise.all([registerMember(api1), registerMember(api2)]);
    const id = await openConversation(api1, ada, [bob.id]);
    const command = { userId: ada.id, sessionId: null, conversationId: id, text: 'forged', clientMsgId: 'f-1' };
    expect((await run([command], {})).status).toBe(401);
    expect(
      (await run([command], { [COMMAND_CHANNEL_HEADER]: key.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) })).status,
    ).toBe(401);
    // Nor is the route reachable through the gateway's public API.
    expect((await api1.post(COMMAND_CHANNEL_PATH, { commands: [command] })).status).toBe(404);
    expect(await history(ada, id)).toEqual([]);
  });

  it('answers each command of a mixed batch on its own: gapless seqs per conversation, retries answered with the stored message, refusals and bad input alone', async () => {
    const [ada, bob, cyd, eve] = await Promise.all([
      registerMember(api1),
      registerMember(api2),
      registerMember(api1),
      registerMember(api2),
    ]);
    const [ab, ac, blocked] = await Promise.all([
      openConversation(api1, ada, [bob.id]),
      openConversation(api1, ada, [cyd.id]),
      openConversation(api1, eve, [bob.id]),
    ]);
    await blockUser(api2, bob, eve.id);
    const send = (who: Member, id: string, clientMsgId: string, text = `${clientMsgId} text`) => ({
      userId: who.id,
      sessionId: null,
      conversationId: id,
      text,
      clientMsgId,
    });
    // Wait until the block reached messaging (probes sent before it may be stored).
    let probes = 0;
    await waitFor(
      async () => (await run([send(eve, blocked, `probe-${++probes}`)])).body.outcomes?.[0]?.status === 403,
      {
        message: 'block.created in messaging',
      },
    );

    const commands = [
      send(ada, ab, 'ab-1'),
      send(bob, ab, 'ab-2'),
      send(ada, ac, 'ac-1'),
      send(ada, ab, 'ab-1', 'the same clientMsgId again'), // a retry inside the batch
      send(cyd, ab, 'intruder'), // not a member
      send(eve, blocked, 'blocked-1'),
      { ...send(ada, ab, 'bad'), text: '   ' }, // blank
      { ...send(ada, ab, 'extra'), admin: true }, // unknown field
      send(cyd, ac, 'ac-2'),
      send(bob, ab, 'ab-3'),
    ];
    const res = await run(commands);
    expect(res.status).toBe(200);
    const outcomes = res.body.outcomes;
    expect(outcomes.map((o) => o.status)).toEqual([201, 201, 201, 200, 404, 403, 400, 400, 201, 201]);
    const message = (i: number) => (outcomes[i] as { message: MessagePayload }).message;
    expect([0, 1, 9].map((i) => message(i).seq)).toEqual([1, 2, 3]);
    expect([2, 8].map((i) => message(i).seq)).toEqual([1, 2]);
    expect(message(3)).toEqual(message(0));
    expect(message(0)).toMatchObject({ conversationId: ab, senderId: ada.id, text: 'ab-1 text', clientMsgId: 'ab-1' });

    // A retry of the whole batch stores nothing more and answers the same messages.
    const again = await run(commands);
    expect(again.body.outcomes.map((o) => o.status)).toEqual([200, 200, 200, 200, 404, 403, 400, 400, 200, 200]);
    expect((again.body.outcomes[9] as { message: MessagePayload }).message).toEqual(message(9));

    expect((await history(bob, ab)).map((m) => [m.seq, m.clientMsgId])).toEqual([
      [1, 'ab-1'],
      [2, 'ab-2'],
      [3, 'ab-3'],
    ]);
    expect((await history(cyd, ac)).map((m) => m.seq)).toEqual([1, 2]);
    expect((await history(eve, blocked)).map((m) => m.clientMsgId)).not.toContain('blocked-1');

    // One message.created per stored message, written with it.
    const stream = `${platform.env.EVENTS_STREAM_PREFIX ?? 'plaza:events'}:messaging`;
    const created = async () =>
      (await readEventStream(platform.env.REDIS_URL, stream)).filter(
        (e) => e.name === 'message.created' && [ab, ac].includes(e.payload.conversationId as string),
      );
    await waitFor(async () => (await created()).length >= 5, { message: '5 message.created events' });
    const events = await created();
    expect(events).toHaveLength(5);
    expect(events.find((e) => e.payload.messageId === message(0).id)?.payload).toEqual({
      messageId: message(0).id,
      conversationId: ab,
      seq: 1,
      senderId: ada.id,
      memberIds: [ada.id, bob.id].sort(),
      text: 'ab-1 text',
      createdAt: message(0).createdAt,
    });
  });
});
