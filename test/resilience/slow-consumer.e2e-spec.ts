import type { Socket as NetSocket } from 'node:net';
import { RealtimePublisher } from '@plaza/realtime';
import { createRedisClient, type Redis } from '@plaza/redis';
import { connectSocket, fetchInternal, nextEvent, openConversation, sleep, waitFor } from '@plaza/testing';
import WebSocket from 'ws';
import { crashed, members, rssOf, scale, useRig } from './rig';

const EVENTS = scale(5000, 15_000);
const PAYLOAD_BYTES = 16 * 1024;
/** What the gateway may keep for one stalled client, on top of its RSS before the flood. */
const MAX_GROWTH_BYTES = 128 * 1024 * 1024;

/**
 * A raw engine.io/socket.io client over `ws` that authenticates, then stops reading its TCP socket
 * (a phone in a tunnel, a client stuck in a loop) while the server keeps pushing to it.
 */
async function stalledClient(gatewayUrl: string, token: string): Promise<{ ws: WebSocket; closed: Promise<void> }> {
  const ws = new WebSocket(`${gatewayUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = (data as Buffer).toString();
      if (text.startsWith('0')) ws.send(`40${JSON.stringify({ token })}`);
      else if (text === '2') ws.send('3');
      else if (text.startsWith('40')) resolve();
      else if (text.startsWith('44')) reject(new Error(text));
    });
  });
  ws.removeAllListeners('message');
  ws.on('error', () => undefined);
  (ws as unknown as { _socket: NetSocket })._socket.pause();
  return { ws, closed };
}

describe('resilience: a slow consumer', () => {
  let redis: Redis | undefined;
  const raw: WebSocket[] = [];
  const { rig, sockets, onStop } = useRig({ gateways: 1 }, async (started) => {
    redis = createRedisClient(started.redis.url, 'resilience-test');
  });
  onStop(async () => {
    for (const w of raw) w.terminate();
    await redis?.quit();
  });

  it('keeps gateway memory bounded and other clients served while a client stops reading', async () => {
    const { platform } = rig();
    const [api] = rig().api;
    const gateway = platform.processes.find((p) => p.name === 'gateway-1')!;
    const [slow, alice, bob] = await members(api, 3);
    const conversationId = await openConversation(api, alice, [bob.id]);
    const bobSocket = await connectSocket(gateway.url, { token: bob.token });
    sockets.push(bobSocket);
    const stalled = await stalledClient(gateway.url, slow.token);
    raw.push(stalled.ws);
    await sleep(500);
    const rssBefore = await rssOf(gateway.child.pid);

    // Flood the stalled user through the product path apps use (log + adapter), in batches.
    const publisher = new RealtimePublisher(redis!, rig().redis.url);
    const filler = 'x'.repeat(PAYLOAD_BYTES);
    const latencies: number[] = [];
    const flood = async (from: number, to: number) => {
      let peak = 0;
      for (let i = from; i < to; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            publisher.pushDurable([slow.id], 'feed:post-deleted', { postId: `${i + j}:${filler}` }),
          ),
        );
        if (i % 500 === 0) {
          // Another client on the same gateway is served meanwhile.
          const started = Date.now();
          const got = nextEvent<{ text: string }>(bobSocket, 'message:new', 5000);
          const sent = await api.post(
            `/api/conversations/${conversationId}/messages`,
            { text: `hi ${i}`, clientMsgId: `c-${i}` },
            { token: alice.token },
          );
          expect(sent.status).toBe(201);
          expect((await got).text).toBe(`hi ${i}`);
          latencies.push(Date.now() - started);
        }
        peak = Math.max(peak, await rssOf(gateway.child.pid));
      }
      await sleep(500);
      return Math.max(peak, await rssOf(gateway.child.pid));
    };
    // RSS is a high-water mark of the heap, inflated by the garbage every event leaves: what tells
    // a bound from a leak is what a second flood as large as the first adds. Buffered for the
    // stalled client, it adds about twice the bytes pushed (measured without the limit: +87 MB for
    // 40 MB); bounded, a fraction of them.
    const half = EVENTS / 2;
    const peak1 = await flood(0, half);
    const peak2 = await flood(half, EVENTS);
    const halfBytes = half * PAYLOAD_BYTES;
    expect(peak2 - peak1).toBeLessThan(halfBytes);
    expect(peak2 - rssBefore).toBeLessThan(MAX_GROWTH_BYTES);
    // The gateway gave up on the stalled client instead of buffering for it: once the client reads
    // again, it finds the connection closed after what was already in flight.
    (stalled.ws as unknown as { _socket: NetSocket })._socket.resume();
    await waitFor(() => stalled.ws.readyState === WebSocket.CLOSED || stalled.ws.readyState === WebSocket.CLOSING, {
      timeoutMs: 10_000,
      message: 'the stalled client disconnected by the gateway',
    });
    const metrics = await (await fetchInternal(`${gateway.url}/metrics`, platform.env)).text();
    expect(Number(/plaza_gateway_slow_consumer_drops_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Math.max(...latencies)).toBeLessThan(2000);
    expect(crashed(platform)).toEqual([]);
    // The stalled user loses nothing for good: the events stay in the log for a replay.
    expect(await redis!.xlen(`rt:log:${slow.id}`)).toBeGreaterThanOrEqual(Math.min(EVENTS, 1000));

    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    process.stdout.write(
      `[resilience] slow consumer: 2 x ${half} events of ${PAYLOAD_BYTES / 1024} KiB (2 x ${mb(halfBytes)}) pushed to a stalled client; ` +
        `gateway RSS ${mb(rssBefore)} → ${mb(peak1)} after the first flood → ${mb(peak2)} after the second; ` +
        `other client's message latency max ${Math.max(...latencies)} ms\n`,
    );
  }, 120_000);
});
