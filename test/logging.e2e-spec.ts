import { createServer, type Server } from 'node:http';
import {
  apiClient,
  connectSocket,
  freePort,
  loginUser,
  type Platform,
  registrationBody,
  startPlatform,
  waitFor,
} from '@plaza/testing';

interface RequestLine {
  name: string;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
  route?: string;
  userId?: string;
  traceId?: string;
}

describe('logging: one JSON line per request with route, status, duration, user and trace; no secrets', () => {
  let platform: Platform;
  let sink: Server;
  const levelOverride = process.env.PLAZA_TEST_LOG_LEVEL;

  beforeAll(async () => {
    // Spans go to a sink that accepts everything: with tracing on, lines carry the trace id.
    sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
    const sinkPort = await freePort();
    await new Promise<void>((resolve) => sink.listen(sinkPort, '127.0.0.1', resolve));
    // This suite is about what `info` logs: a run-wide quieter level must not hide it.
    delete process.env.PLAZA_TEST_LOG_LEVEL;
    try {
      platform = await startPlatform({
        gateways: 1,
        apps: ['auth', 'profiles'],
        env: {
          LOG_LEVEL: 'info',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${sinkPort}/v1/traces`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
      });
    } finally {
      if (levelOverride !== undefined) process.env.PLAZA_TEST_LOG_LEVEL = levelOverride;
    }
  }, 90_000);

  afterAll(async () => {
    await platform?.stop();
    sink?.closeAllConnections();
    sink?.close();
  });

  const output = () => platform.processes.map((p) => p.output.join('')).join('\n');
  const jsonLines = (): RequestLine[] =>
    output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as RequestLine];
        } catch {
          return []; // a line cut by the output buffer's edge
        }
      });

  it('logs every request with its details and never a password, token, captcha or authorization value', async () => {
    const api = apiClient(platform.gateways[0]);
    const body = {
      ...registrationBody(),
      password: `pw-${Date.now()}-Secret!`,
      captchaToken: 'captcha-token-0123456789',
    };
    const registered = await api.post('/api/auth/register', body);
    expect(registered.status).toBe(201);
    const wrong = await api.post('/api/auth/login', { email: body.email, password: `${body.password}-wrong` });
    expect(wrong.status).toBe(401);
    const login = await loginUser(api, body.email, body.password);
    const refreshed = await api.post('/api/auth/refresh', { refreshToken: login.refreshToken });
    expect(refreshed.status).toBe(200);
    const token = refreshed.body.accessToken as string;
    const me = await api.get('/api/auth/me', { token, headers: { 'x-request-id': `log-test-${Date.now()}` } });
    expect(me.status).toBe(200);
    const socket = await connectSocket(platform.gateways[0], { token });
    socket.close();

    // The final line of /api/auth/me, from the auth app (written after the response).
    const requestId = me.headers.get('x-request-id')!;
    const line = await waitFor(() => jsonLines().find((l) => l.name === 'auth' && l.req?.id === requestId && l.res), {
      message: 'the auth request line',
    });
    expect(line).toMatchObject({
      msg: 'request completed',
      req: { id: requestId, method: 'GET', url: '/api/auth/me' },
      res: { statusCode: 200 },
      route: '/api/auth/me',
      userId: registered.body.user.id,
      responseTime: expect.any(Number),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    // The gateway's line of the same request shares its request id and its trace.
    const gatewayLine = await waitFor(() =>
      jsonLines().find((l) => l.name === 'gateway' && l.req?.id === requestId && l.res),
    );
    expect(gatewayLine).toMatchObject({ res: { statusCode: 200 }, traceId: line.traceId });
    expect(typeof gatewayLine.responseTime).toBe('number');

    const secrets = [
      body.password,
      `${body.password}-wrong`,
      body.captchaToken,
      registered.body.accessToken,
      registered.body.refreshToken,
      login.accessToken,
      login.refreshToken,
      token,
      refreshed.body.refreshToken,
    ] as string[];
    const all = output();
    // Sanity: the output does hold this run's request lines.
    expect(all).toContain(requestId);
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/bearer\s/i);
    expect(all).not.toMatch(/"authorization"/i);
  }, 60_000);
});
