import { createServer, type Server } from 'node:http';
import {
  apiClient,
  connectSocket,
  createTestDatabase,
  dropTestDatabase,
  emitAck,
  freePort,
  openConversation,
  type Platform,
  registerMember,
  startPlatform,
  type TestSocket,
  waitFor,
} from '@plaza/testing';

/** One span as the fake collector keeps it: OTLP/JSON flattened, with its process's service name. */
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
}

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
      }>;
    }>;
  }>;
}

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

const attributesOf = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));

/** A fake OTLP/HTTP (JSON) collector keeping every span it receives in memory. */
async function startCollector(): Promise<{ server: Server; port: number; spans: Span[] }> {
  const spans: Span[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as OtlpExport;
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attributesOf(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              service,
              attributes: attributesOf(s.attributes),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port, spans };
}

/** Every span of the trace below `root` (inclusive), following parent span ids. */
function subtree(spans: Span[], root: Span): Span[] {
  const inTrace = spans.filter((s) => s.traceId === root.traceId);
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...inTrace.filter((s) => s.parentSpanId === out[i].spanId));
  return out;
}

const isDescendant = (spans: Span[], child: Span, ancestor: Span) => subtree(spans, ancestor).includes(child);

describe('tracing: one connected trace per request, socket command and the events they cause', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let platform: Platform;
  const sockets: TestSocket[] = [];

  let databaseUrl: string;

  beforeAll(async () => {
    collector = await startCollector();
    // A world of its own (database and event streams): apps of the shared platform on the same
    // streams would be instances of the same app group and could take these events, untraced.
    databaseUrl = await createTestDatabase('plaza_tracing');
    platform = await startPlatform({
      gateways: 1,
      databaseUrl,
      env: {
        EVENTS_STREAM_PREFIX: `plaza:tracing-test:${process.pid}`,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${collector.port}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await platform?.stop();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    collector?.server.closeAllConnections();
    collector?.server.close();
  });

  it('message:send: gateway socket span → undici → messaging HTTP server span → PostgreSQL and Redis', async () => {
    const api = apiClient(platform.gateways[0]);
    const [ada, bob] = await Promise.all([registerMember(api), registerMember(api)]);
    const conversationId = await openConversation(api, ada, [bob.id]);
    const socket = await connectSocket(platform.gateways[0], { token: ada.token });
    sockets.push(socket);
    const ack = await emitAck<{ ok: boolean; message: { id: string } }>(socket, 'message:send', {
      conversationId,
      text: 'traced hello',
      clientMsgId: 'trace-1',
    });
    expect(ack.ok).toBe(true);

    const { spans } = collector;
    const root = await waitFor(
      () => spans.find((s) => s.name === 'socket message:send' && s.service === 'gateway' && !s.parentSpanId),
      { timeoutMs: 10_000, message: 'the gateway socket span' },
    );
    expect(root.kind).toBe(SERVER);
    // The forward to messaging, and messaging's side of it, arrive in their own batches.
    const server = await waitFor(
      () => {
        const tree = subtree(spans, root);
        const forward = tree.find(
          (s) => s.service === 'gateway' && s.kind === CLIENT && 'http.request.method' in s.attributes,
        );
        const inbound = forward && tree.find((s) => s.parentSpanId === forward.spanId);
        const db =
          inbound && tree.find((s) => s.service === 'messaging' && s.attributes['db.system.name'] === 'postgresql');
        const redis =
          inbound && tree.find((s) => s.service === 'messaging' && s.attributes['db.system.name'] === 'redis');
        return db && redis ? inbound : undefined;
      },
      { timeoutMs: 10_000, message: 'messaging spans under the socket span' },
    );
    expect(server).toMatchObject({ service: 'messaging', kind: SERVER });
    // Socket sends travel on the command channel (batches of message:send), not the REST route.
    expect(String(server.attributes['url.path'])).toBe('/internal/messaging/commands');
    const tree = subtree(spans, server);
    const inserts = tree.filter(
      (s) => s.kind === CLIENT && /INSERT/i.test(String(s.attributes['db.query.text'] ?? s.attributes['db.statement'])),
    );
    expect(inserts.length).toBeGreaterThan(0);
    // The gateway's own work for the command (its rate limit in Redis) hangs off the socket span too.
    expect(
      subtree(spans, root).some((s) => s.service === 'gateway' && s.attributes['db.system.name'] === 'redis'),
    ).toBe(true);
    expect(new Set(subtree(spans, root).map((s) => s.service))).toEqual(new Set(['gateway', 'messaging']));
  }, 60_000);

  it('POST /api/posts: the post.created consumer continues the request trace through the outbox and the stream', async () => {
    const api = apiClient(platform.gateways[0]);
    const author = await registerMember(api);
    const created = await api.post<{ id: string }>('/api/posts', { text: 'traced post' }, { token: author.token });
    expect(created.status).toBe(201);

    const { spans } = collector;
    const consumer = await waitFor(
      () =>
        spans.find(
          (s) =>
            s.name === 'post.created process' &&
            s.kind === CONSUMER &&
            spans.some((p) => p.spanId === s.parentSpanId && p.service === 'feed'),
        ),
      { timeoutMs: 15_000, message: 'the post.created consumer span' },
    );
    // Its parent is the feed's request span that wrote the outbox row; above it, the gateway's proxy hop.
    const inbound = await waitFor(() =>
      spans.find(
        (s) =>
          s.traceId === consumer.traceId &&
          s.service === 'feed' &&
          s.kind === SERVER &&
          s.attributes['url.path'] === '/api/posts',
      ),
    );
    expect(isDescendant(spans, consumer, inbound)).toBe(true);
    const gatewayRoot = await waitFor(() =>
      spans.find((s) => s.traceId === consumer.traceId && s.service === 'gateway' && s.kind === SERVER),
    );
    expect(gatewayRoot.parentSpanId).toBe('');
    expect(isDescendant(spans, inbound, gatewayRoot)).toBe(true);
    // The handler's own queries are children of the consumer span.
    await waitFor(() =>
      subtree(spans, consumer).some((s) => s !== consumer && s.attributes['db.system.name'] === 'postgresql'),
    );
  }, 60_000);
});
