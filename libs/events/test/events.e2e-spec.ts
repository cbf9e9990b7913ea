import { randomUUID } from 'node:crypto';
import { deadLetterKey, type EventConsumer, streamKey } from '@plaza/events';
import { createTestDatabase, dropTestDatabase, sleep, startRedisServer, waitFor } from '@plaza/testing';
import { EventsHarness } from './events.harness';

function fieldsToRecordForTest(fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

describe('events: outbox, relay, consumer groups (real PostgreSQL and Redis)', () => {
  let databaseUrl: string;
  let h: EventsHarness;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('plaza_events');
  });
  afterAll(async () => {
    await dropTestDatabase(databaseUrl);
  });
  beforeEach(async () => {
    h = await EventsHarness.open(databaseUrl);
  });
  afterEach(async () => {
    await h.close();
  });

  const settled = async (consumer: EventConsumer) => {
    const stats = await consumer.stats();
    return stats.every((s) => s.lag === 0 && s.pending === 0);
  };

  it('publishes nothing for a rolled-back transaction and refuses to publish outside one', async () => {
    const outbox = h.outbox();
    await expect(
      h.dataSource.transaction(async (m) => {
        await outbox.publish(m, 'post.deleted', { postId: randomUUID(), authorId: randomUUID() });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await expect(
      outbox.publish(h.dataSource.manager, 'post.deleted', { postId: randomUUID(), authorId: randomUUID() }),
    ).rejects.toThrow(/open transaction/);
    await expect(
      h.dataSource.transaction((m) => outbox.publish(m, 'user.suspended', { userId: randomUUID() })),
    ).rejects.toThrow(/published by auth/);

    const relay = await h.relay();
    expect(await relay.flush()).toBe(0);
    expect(await h.outboxCount()).toBe(0);
    expect(await h.admin.exists(streamKey(h.prefix, 'feed'))).toBe(0);
  });

  it('delivers a committed event once to each subscribing group, even when the entry is delivered twice', async () => {
    // A poll far beyond the test: only the NOTIFY sent at commit can make the relay move in time.
    await h.relay({ relayPollMs: 60_000 });
    const g1 = await h.consumer('post.created', h.recordEffect('g1'), { group: 'g1' });
    const g2 = await h.consumer('post.created', h.recordEffect('g2'), { group: 'g2' });

    const ids = await h.publishPosts(5);
    await waitFor(async () => (await h.effects()).length === 10, {
      timeoutMs: 3000,
      message: 'both groups handled 5 events',
    });

    // Redeliver: the same events appended again (a relay that crashed before deleting its rows)…
    const stream = streamKey(h.prefix, 'feed');
    const entries = (await h.admin.call('XRANGE', stream, '-', '+')) as Array<[string, string[]]>;
    expect(entries).toHaveLength(5);
    for (const [, fields] of entries) await h.admin.call('XADD', stream, '*', ...fields);
    // …and g1 rewound to the start, so its consumer reads every entry a second time.
    await h.admin.call('XGROUP', 'SETID', stream, 'g1', '0');
    await waitFor(async () => (await settled(g1)) && (await settled(g2)), {
      timeoutMs: 5000,
      message: 'groups caught up',
    });

    const effects = await h.effects();
    expect(
      effects
        .filter((e) => e.consumer_group === 'g1')
        .map((e) => e.event_id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(
      effects
        .filter((e) => e.consumer_group === 'g2')
        .map((e) => e.event_id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(await h.outboxCount()).toBe(0);
  });

  it('relays rows a crashed process left in the outbox when a relay starts', async () => {
    const ids = await h.publishPosts(3);
    expect(await h.outboxCount()).toBe(3);
    const g1 = await h.consumer('post.created', h.recordEffect('g1'));
    await h.relay({ relayPollMs: 60_000 });
    await waitFor(async () => (await h.effects()).length === 3, {
      timeoutMs: 3000,
      message: 'left-over rows delivered',
    });
    expect((await h.effects()).map((e) => e.event_id).sort()).toEqual([...ids].sort());
    await waitFor(() => settled(g1), { message: 'acked' });
  });

  it('lets several relay instances drain one outbox side by side without sending a row twice', async () => {
    await h.publishPosts(60);
    const relays = await Promise.all([h.relay({ batchSize: 7 }), h.relay({ batchSize: 7 }), h.relay({ batchSize: 7 })]);
    await Promise.all(relays.map((r) => r.flush()));
    await waitFor(async () => (await h.outboxCount()) === 0, { message: 'outbox drained' });
    const entries = (await h.admin.call('XRANGE', streamKey(h.prefix, 'feed'), '-', '+')) as Array<[string, string[]]>;
    const ids = entries.map(([, fields]) => fieldsToRecordForTest(fields).id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('hands the event of a consumer that died mid-handler to another consumer after the idle timeout', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let enteredA = false;
    let finishedA = false;
    const a = await h.consumer('post.created', async (event, manager) => {
      await h.recordEffect('g1', 'a')(event, manager);
      enteredA = true;
      await gate;
      finishedA = true;
    });
    await h.relay();
    const [id] = await h.publishPosts(1);
    await waitFor(() => enteredA, { message: 'consumer A inside its handler' });
    // A is killed: it stops reading and gives up on the handler it is stuck in.
    await a.stop({ drainTimeoutMs: 50 });

    const b = await h.consumer('post.created', h.recordEffect('g1', 'b'), { claimIdleMs: 300 });
    await waitFor(async () => (await h.effects()).length === 1, {
      timeoutMs: 3000,
      message: 'B handled the abandoned event',
    });
    expect(await h.effects()).toEqual([{ consumer_group: 'g1', event_id: id, consumer: 'b' }]);
    await waitFor(() => settled(b), { message: 'acked by B' });

    // A wakes up late: its transaction finds the event processed and rolls its effect back.
    release();
    await waitFor(() => finishedA, { message: 'A finished' });
    await sleep(200);
    expect(await h.effects()).toEqual([{ consumer_group: 'g1', event_id: id, consumer: 'b' }]);
  });

  it('delivers everything written while Redis was unreachable once it is back', async () => {
    const server = await startRedisServer();
    try {
      await h.relay({}, server.url);
      const consumer = await h.consumer('post.created', h.recordEffect('g1'), {}, server.url);
      await h.publishPosts(1);
      await waitFor(async () => (await h.effects()).length === 1, {
        timeoutMs: 3000,
        message: 'first event delivered',
      });

      await server.kill();
      // PostgreSQL is fine, so the business transactions commit; their events wait in the outbox.
      const during = await h.publishPosts(10);
      await sleep(400);
      expect(await h.outboxCount()).toBe(10);

      await server.restart();
      await waitFor(async () => (await h.effects()).length === 11, {
        timeoutMs: 8000,
        message: 'events written during the outage delivered',
      });
      const effects = await h.effects();
      expect(new Set(effects.map((e) => e.event_id)).size).toBe(11);
      expect(effects.map((e) => e.event_id)).toEqual(expect.arrayContaining(during));
      expect(await h.outboxCount()).toBe(0);
      await waitFor(() => settled(consumer), { message: 'acked' });
    } finally {
      await h.close();
      await server.stop();
      h = await EventsHarness.open(databaseUrl);
    }
  });

  it('moves an event whose handler keeps failing to the dead-letter stream with its error', async () => {
    let calls = 0;
    const consumer = await h.consumer(
      'post.created',
      async (event, manager) => {
        calls += 1;
        await h.recordEffect('g1')(event, manager);
        throw new Error(`timeline store rejected ${event.payload.postId}`);
      },
      { maxAttempts: 3 },
    );
    await h.relay();
    const [id] = await h.publishPosts(1);

    const dead = deadLetterKey(h.prefix, 'g1');
    const [[, fields]] = await waitFor(
      async () => {
        const entries = (await h.admin.call('XRANGE', dead, '-', '+')) as Array<[string, string[]]>;
        return entries.length ? entries : null;
      },
      { timeoutMs: 5000, message: 'dead letter' },
    );
    const record = fieldsToRecordForTest(fields);
    expect(record).toMatchObject({
      id,
      name: 'post.created',
      group: 'g1',
      attempts: '3',
      stream: streamKey(h.prefix, 'feed'),
    });
    expect(record.error).toMatch(/^timeline store rejected /);
    expect(calls).toBe(3);
    // Every attempt rolled back; the entry is no longer pending.
    expect(await h.effects()).toEqual([]);
    await waitFor(() => settled(consumer), { message: 'dead letter acked' });
    await sleep(200);
    expect(calls).toBe(3);
  });

  it('rolls back only the failing event of a batch handled in one transaction', async () => {
    // On the stream before the consumer starts, so that one read returns them all.
    const ids = await h.publishPosts(5);
    await (await h.relay()).flush();
    expect(await h.admin.xlen(streamKey(h.prefix, 'feed'))).toBe(5);
    const poisoned = ids[2];
    const consumer = await h.consumer(
      'post.created',
      async (event, manager) => {
        await h.recordEffect('g1')(event, manager);
        if (event.id === poisoned) throw new Error('poisoned');
      },
      { maxAttempts: 2 },
    );
    await waitFor(async () => (await h.admin.xlen(deadLetterKey(h.prefix, 'g1'))) === 1, {
      message: 'poisoned event dead-lettered',
    });
    const effects = await h.effects();
    expect(effects.map((e) => e.event_id).sort()).toEqual(ids.filter((id) => id !== poisoned).sort());
    await waitFor(() => settled(consumer), { message: 'all acked' });
  });

  it('dead-letters a malformed entry at once and keeps consuming', async () => {
    const consumer = await h.consumer('post.created', h.recordEffect('g1'));
    const stream = streamKey(h.prefix, 'feed');
    await h.admin.call('XADD', stream, '*', 'id', randomUUID(), 'name', 'post.created', 'payload', '{not json');
    await h.relay();
    await h.publishPosts(1);
    await waitFor(async () => (await h.effects()).length === 1, { message: 'the good event handled' });
    const dead = (await h.admin.call('XRANGE', deadLetterKey(h.prefix, 'g1'), '-', '+')) as Array<[string, string[]]>;
    expect(dead).toHaveLength(1);
    expect(fieldsToRecordForTest(dead[0][1]).attempts).toBe('1');
    await waitFor(() => settled(consumer), { message: 'all acked' });
  });
});
