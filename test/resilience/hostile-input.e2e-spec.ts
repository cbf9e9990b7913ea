import { createHmac, randomUUID } from 'node:crypto';
import { connectSocket, emitAck, openConversation, type Member, sleep, waitFor } from '@plaza/testing';
import fc from 'fast-check';
import { Client } from 'pg';
import WebSocket from 'ws';
import { crashed, isErrorShape, members, scale, useRig } from './rig';

const FUZZ_RUNS = scale(25, 300);
const SCHEMAS = ['auth', 'profiles', 'feed', 'messaging'];

interface HostileRequest {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Default: the caller's valid token. */
  token?: string | null;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Row counts of every table the apps own, read straight from PostgreSQL. */
async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS t FROM information_schema.tables
        WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1`,
      [SCHEMAS],
    );
    const out: Record<string, number> = {};
    for (const { t } of rows)
      out[t] = Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t}`)).rows[0].n);
    return out;
  } finally {
    await client.end();
  }
}

/** A raw engine.io v4 / socket.io v5 websocket: frames are sent as given, nothing is encoded for us. */
async function rawSocket(
  gatewayUrl: string,
  token: string,
): Promise<{ ws: WebSocket; frames: (string | Buffer)[]; closed: Promise<void> }> {
  const ws = new WebSocket(`${gatewayUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: (string | Buffer)[] = [];
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer, isBinary) => {
      const frame = isBinary ? data : data.toString();
      frames.push(frame);
      if (typeof frame !== 'string') return;
      if (frame.startsWith('0')) ws.send(`40${JSON.stringify({ token })}`);
      else if (frame === '2') ws.send('3');
      else if (frame.startsWith('40')) resolve();
      else if (frame.startsWith('44')) reject(new Error(frame));
    });
    ws.once('close', () => reject(new Error('closed before connecting')));
  });
  return { ws, frames, closed };
}

describe('resilience: hostile input', () => {
  const raw: WebSocket[] = [];
  let alice: Member;
  let bob: Member;
  let conversationId: string;
  let postId: string;
  const { rig, sockets, onStop } = useRig({ gateways: 1 }, async ({ api: [api] }) => {
    [alice, bob] = await members(api, 2);
    conversationId = await openConversation(api, alice, [bob.id]);
    const post = await api.post<{ id: string }>('/api/posts', { text: 'hello' }, { token: alice.token });
    postId = post.body.id;
  });
  onStop(() => raw.forEach((w) => w.terminate()));

  function corpus(): HostileRequest[] {
    const secret = rig().platform.env.JWT_SECRET;
    const [header, payload, signature] = alice.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const sign = (h: unknown, p: unknown, key = secret) => {
      const input = `${b64(h)}.${b64(p)}`;
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const tokens: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'payload swapped, signature kept': `${header}.${b64({ ...claims, sub: bob.id })}.${signature}`,
      'signed with another secret': sign({ alg: 'HS256', typ: 'JWT' }, claims, 'not-the-secret-0123456789-0123456789'),
      expired: sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 7200, exp: now - 3600 }),
      'unknown session': sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, sid: randomUUID() }),
      'wrong audience': sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'someone-else' }),
      'crit header': sign({ alg: 'HS256', typ: 'JWT', crit: ['exp'] }, claims),
      'RS256 header': `${b64({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`,
      'sub is an object': sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: { $ne: null } }),
      garbage: 'a.b.c',
      huge: 'x'.repeat(8000),
      'non-ascii': 'tökén.ñ.ü',
    };
    const json = (v: unknown) => JSON.stringify(v);
    const nested = (depth: number) => `{"text":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const messages = `/api/conversations/${conversationId}/messages`;
    const requests: HostileRequest[] = [
      // Sizes
      { name: 'post over 64 KiB', method: 'POST', path: '/api/posts', body: json({ text: 'x'.repeat(70_000) }) },
      { name: 'post text over 3000', method: 'POST', path: '/api/posts', body: json({ text: 'x'.repeat(3001) }) },
      {
        name: 'message text over 4000',
        method: 'POST',
        path: messages,
        body: json({ text: 'x'.repeat(4001), clientMsgId: randomUUID() }),
      },
      {
        name: 'profile bio over 2000',
        method: 'PATCH',
        path: '/api/profiles/me',
        body: json({ bio: 'b'.repeat(2001) }),
      },
      {
        name: 'skills: 10,000 entries',
        method: 'PATCH',
        path: '/api/profiles/me',
        body: json({ skills: Array.from({ length: 10_000 }, () => 'x') }),
      },
      {
        name: 'memberIds: 5,000 ids',
        method: 'POST',
        path: '/api/conversations',
        body: json({ memberIds: Array.from({ length: 5000 }, () => randomUUID()) }),
      },
      // Structure
      { name: 'nested 20,000 deep', method: 'POST', path: '/api/posts', body: nested(20_000) },
      {
        name: 'nested objects 5,000 deep',
        method: 'POST',
        path: messages,
        body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      },
      { name: 'truncated JSON', method: 'POST', path: '/api/posts', body: '{"text": "abc' },
      { name: 'JSON with trailing garbage', method: 'POST', path: '/api/posts', body: '{"text":"a"}xyz' },
      { name: 'top-level array', method: 'POST', path: '/api/posts', body: '[{"text":"a"}]' },
      { name: 'top-level string', method: 'POST', path: '/api/posts', body: '"text"' },
      { name: 'top-level null', method: 'POST', path: '/api/posts', body: 'null' },
      { name: '__proto__ key', method: 'POST', path: '/api/posts', body: '{"text":"a","__proto__":{"isAdmin":true}}' },
      {
        name: 'constructor.prototype key',
        method: 'POST',
        path: '/api/posts',
        body: '{"text":"a","constructor":{"prototype":{"isAdmin":true}}}',
      },
      {
        name: '__proto__ in profile',
        method: 'PATCH',
        path: '/api/profiles/me',
        body: '{"__proto__":{"roles":["admin"]}}',
      },
      {
        name: '__proto__ in register',
        method: 'POST',
        path: '/api/auth/register',
        token: null,
        body: '{"email":"p@x.test","password":"correct horse battery","handle":"proto_x","displayName":"P","__proto__":{"roles":["admin"]}}',
      },
      { name: 'unknown field', method: 'POST', path: '/api/posts', body: json({ text: 'a', authorId: bob.id }) },
      {
        name: 'roles in register',
        method: 'POST',
        path: '/api/auth/register',
        token: null,
        body: json({
          email: 'r@x.test',
          password: 'correct horse battery',
          handle: 'roles_x',
          displayName: 'R',
          roles: ['admin'],
        }),
      },
      // Types
      { name: 'text is a number', method: 'POST', path: '/api/posts', body: json({ text: 123 }) },
      { name: 'text is null', method: 'POST', path: '/api/posts', body: json({ text: null }) },
      { name: 'text is an array', method: 'POST', path: '/api/posts', body: json({ text: ['a'] }) },
      { name: 'text is an object', method: 'POST', path: '/api/posts', body: json({ text: { $gt: '' } }) },
      {
        name: 'visibility unknown',
        method: 'POST',
        path: '/api/posts',
        body: json({ text: 'a', visibility: 'everyone' }),
      },
      {
        name: 'profile headline null (found by fuzzing)',
        method: 'PATCH',
        path: '/api/profiles/me',
        body: json({ headline: null }),
      },
      {
        name: 'profile displayName and skills null',
        method: 'PATCH',
        path: '/api/profiles/me',
        body: json({ displayName: null, skills: null }),
      },
      { name: 'memberIds a string', method: 'POST', path: '/api/conversations', body: json({ memberIds: bob.id }) },
      { name: 'memberIds numbers', method: 'POST', path: '/api/conversations', body: json({ memberIds: [1, 2] }) },
      {
        name: 'clientMsgId an object',
        method: 'POST',
        path: messages,
        body: json({ text: 'a', clientMsgId: { a: 1 } }),
      },
      {
        name: 'seq negative',
        method: 'POST',
        path: `/api/conversations/${conversationId}/read`,
        body: json({ seq: -1 }),
      },
      {
        name: 'seq a float',
        method: 'POST',
        path: `/api/conversations/${conversationId}/read`,
        body: json({ seq: 1.5 }),
      },
      {
        name: 'seq huge',
        method: 'POST',
        path: `/api/conversations/${conversationId}/read`,
        body: json({ seq: 1e300 }),
      },
      { name: 'reaction unknown', method: 'PUT', path: `/api/posts/${postId}/reactions`, body: json({ type: 'love' }) },
      {
        name: 'connection to not-a-uuid',
        method: 'POST',
        path: '/api/connections/requests',
        body: json({ userId: "1' OR '1'='1" }),
      },
      {
        name: 'notification ids not uuids',
        method: 'POST',
        path: '/api/notifications/read',
        body: json({ ids: ['x', 1] }),
      },
      {
        name: 'refresh token an object',
        method: 'POST',
        path: '/api/auth/refresh',
        token: null,
        body: json({ refreshToken: { $ne: '' } }),
      },
      {
        name: 'login password an array',
        method: 'POST',
        path: '/api/auth/login',
        token: null,
        body: json({ email: alice.email, password: ['a'] }),
      },
      {
        name: 'register handle with SQL',
        method: 'POST',
        path: '/api/auth/register',
        token: null,
        body: json({
          email: 's@x.test',
          password: 'correct horse battery',
          handle: "x'; DROP TABLE auth.users;--",
          displayName: 'S',
        }),
      },
      {
        name: 'register email with HTML',
        method: 'POST',
        path: '/api/auth/register',
        token: null,
        body: json({ email: '<script>@x.test', password: 'correct horse battery', handle: 'html_x', displayName: 'H' }),
      },
      // Text the database cannot store
      { name: 'NUL in post text', method: 'POST', path: '/api/posts', body: json({ text: 'a\u0000b' }) },
      {
        name: 'NUL in message text',
        method: 'POST',
        path: messages,
        body: json({ text: 'a\u0000b', clientMsgId: randomUUID() }),
      },
      { name: 'NUL in profile', method: 'PATCH', path: '/api/profiles/me', body: json({ headline: 'a\u0000b' }) },
      { name: 'NUL in search', method: 'GET', path: '/api/profiles?q=%00' },
      { name: 'empty text', method: 'POST', path: '/api/posts', body: json({ text: '' }) },
      // Queries and paths
      { name: 'limit negative', method: 'GET', path: '/api/feed?limit=-1' },
      { name: 'limit huge', method: 'GET', path: '/api/feed?limit=100000000000000000000' },
      { name: 'limit not a number', method: 'GET', path: '/api/feed?limit=abc' },
      { name: 'limit twice', method: 'GET', path: '/api/feed?limit=1&limit=2' },
      { name: 'cursor garbage', method: 'GET', path: "/api/feed?cursor=' OR 1=1 --" },
      { name: 'cursor huge', method: 'GET', path: `/api/feed?cursor=${'A'.repeat(6000)}` },
      { name: 'afterSeq SQL', method: 'GET', path: `${messages}?afterSeq=1;DELETE FROM messaging.messages` },
      { name: 'post id not a uuid', method: 'GET', path: "/api/posts/1' OR '1'='1" },
      {
        name: 'conversation id not a uuid',
        method: 'POST',
        path: '/api/conversations/abc/messages',
        body: json({ text: 'a', clientMsgId: randomUUID() }),
      },
      { name: 'path traversal', method: 'GET', path: '/api/posts/..%2f..%2fadmin%2fusers' },
      { name: 'unknown route', method: 'GET', path: '/api/does-not-exist' },
      { name: 'presence ids not uuids', method: 'GET', path: '/api/presence?userIds=a,b' },
      { name: 'handle 10 KiB', method: 'GET', path: `/api/profiles/${'h'.repeat(10_000)}` },
      { name: 'user posts, id SQL', method: 'GET', path: "/api/users/'; SELECT pg_sleep(10);--/posts" },
      // Content types
      {
        name: 'text/plain body',
        method: 'POST',
        path: '/api/posts',
        body: 'text=a',
        headers: { 'content-type': 'text/plain' },
      },
      {
        name: 'form body',
        method: 'POST',
        path: '/api/posts',
        body: 'text=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      {
        name: 'multipart body',
        method: 'POST',
        path: '/api/posts',
        body: '--b\r\nContent-Disposition: form-data; name="text"\r\n\r\na\r\n--b--',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      },
      // Spoofing
      {
        name: 'forged x-plaza-client-ip and user headers',
        method: 'POST',
        path: '/api/posts',
        body: json({ text: 'a', idempotencyKey: 1 }),
        headers: { 'x-plaza-client-ip': '1.2.3.4', 'x-plaza-user-id': bob.id },
      },
    ];
    for (const [name, token] of Object.entries(tokens)) {
      requests.push({ name: `token: ${name} (me)`, method: 'GET', path: '/api/auth/me', token });
      requests.push({
        name: `token: ${name} (post)`,
        method: 'POST',
        path: '/api/posts',
        token,
        body: json({ text: 'forged' }),
      });
      requests.push({
        name: `token: ${name} (message)`,
        method: 'POST',
        path: messages,
        token,
        body: json({ text: 'forged', clientMsgId: randomUUID() }),
      });
    }
    requests.push({
      name: 'Basic scheme',
      method: 'GET',
      path: '/api/auth/me',
      token: null,
      headers: { authorization: `Basic ${b64('a:b')}` },
    });
    requests.push({
      name: 'Bearer without token',
      method: 'GET',
      path: '/api/auth/me',
      token: null,
      headers: { authorization: 'Bearer ' },
    });
    requests.push({
      name: 'two Authorization values',
      method: 'GET',
      path: '/api/auth/me',
      token: null,
      headers: { authorization: `Bearer ${tokens.garbage}, Bearer ${alice.token}` },
    });
    return requests;
  }

  it('refuses every malformed or malicious HTTP request with a 4xx in the contract shape and changes nothing', async () => {
    const [api] = rig().api;
    // Let the set-up's events settle so that the counts only move if a refused request wrote.
    await sleep(1000);
    const before = await rowCounts(rig().databaseUrl);
    const answers: { name: string; status: number; body: unknown }[] = [];
    for (const r of corpus()) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...r.headers };
      const token = r.token === undefined ? alice.token : r.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${api.baseUrl}${r.path}`, { method: r.method, headers, body: r.body });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // asserted below: every answer is JSON
      }
      answers.push({ name: r.name, status: res.status, body });
    }
    const wrong = answers.filter((a) => a.status < 400 || a.status >= 500 || !isErrorShape(a.body, a.status));
    expect(wrong).toEqual([]);
    await sleep(500);
    expect(await rowCounts(rig().databaseUrl)).toEqual(before);
    expect(crashed(rig().platform)).toEqual([]);
    // Still serving, and Alice is still a plain user.
    const me = await api.get<{ roles: string[] }>('/api/auth/me', { token: alice.token });
    expect(me.body.roles).toEqual(['user']);
    const byStatus = answers.reduce<Record<number, number>>(
      (acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }),
      {},
    );
    process.stdout.write(
      `[resilience] hostile HTTP: ${answers.length} requests, all refused (${JSON.stringify(byStatus)}), row counts unchanged\n`,
    );
  }, 60_000);

  it('stores SQL and HTML in text fields verbatim, as text', async () => {
    const [api] = rig().api;
    const nasty = [
      `'); DROP TABLE feed.posts; --`,
      `<script>alert(1)</script><img src=x onerror=alert(1)>`,
      '\u202Egnp.exe',
      '👩‍👩‍👧‍👦 e\u0301 \uFEFF \u200B',
      '${7*7} {{7*7}} %s %n',
    ];
    for (const text of nasty) {
      // Stored as given, but NFC-normalised (contract v2 text rules): `e` + U+0301 comes back as `é`.
      const stored = text.normalize('NFC');
      const created = await api.post<{ id: string; text: string }>('/api/posts', { text }, { token: alice.token });
      expect(created.status).toBe(201);
      expect((await api.get<{ text: string }>(`/api/posts/${created.body.id}`, { token: alice.token })).body.text).toBe(
        stored,
      );
      const sent = await api.post<{ text: string }>(
        `/api/conversations/${conversationId}/messages`,
        { text, clientMsgId: randomUUID() },
        { token: alice.token },
      );
      expect(sent.status).toBe(201);
      expect(sent.body.text).toBe(stored);
    }
    // Bytes that are not UTF-8 are decoded with U+FFFD, as any JSON parser does: stored harmlessly.
    const invalid = await fetch(`${api.baseUrl}/api/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
      body: Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    });
    expect(invalid.status).toBe(201);
    expect(((await invalid.json()) as { text: string }).text).toBe('\uFFFD\uFFFD\uFFFD');
    const patched = await api.patch<{ headline: string }>(
      '/api/profiles/me',
      { headline: nasty[1] },
      { token: alice.token },
    );
    expect(patched.body.headline).toBe(nasty[1]);
    expect((await rowCounts(rig().databaseUrl))['feed.posts']).toBeGreaterThanOrEqual(nasty.length + 1);
  });

  it('answers malformed socket payloads with an error ack and keeps the socket open', async () => {
    const socket = await connectSocket(rig().platform.gateways[0], { token: alice.token });
    sockets.push(socket);
    const payloads: unknown[] = [
      null,
      'text',
      42,
      [conversationId, 'a'],
      {},
      { conversationId, text: 123, clientMsgId: randomUUID() },
      { conversationId: { $ne: null }, text: 'a', clientMsgId: randomUUID() },
      { conversationId, text: 'x'.repeat(4001), clientMsgId: randomUUID() },
      { conversationId, text: 'a', clientMsgId: randomUUID(), senderId: bob.id },
      JSON.parse(
        `{"conversationId":"${conversationId}","text":"a","clientMsgId":"${randomUUID()}","__proto__":{"ok":true}}`,
      ) as unknown,
      { conversationId: "x' OR 1=1 --", text: 'a', clientMsgId: randomUUID() },
      { conversationId, text: 'a\u0000b', clientMsgId: randomUUID() },
    ];
    const before = await rowCounts(rig().databaseUrl);
    for (const event of ['message:send', 'message:read', 'typing:start', 'typing:stop']) {
      for (const payload of payloads) {
        const ack = await emitAck<{ ok: boolean; error?: { code: string } }>(socket, event, payload);
        if (ack.ok) throw new Error(`${event} accepted ${JSON.stringify(payload)?.slice(0, 200)}`);
        expect(['bad_request', 'forbidden', 'not_found']).toContain(ack.error?.code);
      }
    }
    expect(socket.connected).toBe(true);
    expect(await rowCounts(rig().databaseUrl)).toEqual(before);
  });

  it('survives raw packets crafted for engine.io and socket.io-parser advisories', async () => {
    const gateway = rig().platform.gateways[0];
    const frames: { name: string; frames: (string | Buffer)[] }[] = [
      { name: 'unknown engine.io packet type', frames: ['9hello'] },
      { name: 'empty frame', frames: [''] },
      { name: 'unknown socket.io packet type', frames: ['49["x"]'] },
      { name: 'event to an unknown namespace', frames: ['42/admin,["message:send",{}]'] },
      { name: 'event data not an array', frames: ['42{"a":1}'] },
      { name: 'event name not a string', frames: ['42[{"toString":1},{}]'] },
      { name: 'reserved event name', frames: ['42["disconnect"]', '42["connect_error",{}]'] },
      { name: 'ack id absurd', frames: ['4299999999999999999999999["typing:start",{}]'] },
      {
        name: 'huge attachment count (CVE-2023-32695)',
        frames: ['451000000000-["message:send",{"_placeholder":true,"num":0}]'],
      },
      { name: 'attachment count without data', frames: ['45-["message:send"]'] },
      {
        name: 'placeholder num out of range',
        frames: ['451-["message:send",{"_placeholder":true,"num":7}]', Buffer.from([1, 2, 3])],
      },
      {
        name: 'placeholder num not a number',
        frames: ['451-["message:send",{"_placeholder":true,"num":"__proto__"}]', Buffer.from([1])],
      },
      { name: 'placeholder toString', frames: ['451-["toString",{"_placeholder":true,"num":0}]', Buffer.from([1])] },
      { name: 'binary ack without attachments', frames: ['461-0[]'] },
      { name: 'unexpected binary frame', frames: [Buffer.from([0xde, 0xad, 0xbe, 0xef])] },
      { name: 'second CONNECT', frames: ['40{"token":"x"}'] },
      { name: 'CONNECT with an object token', frames: ['40/other,{"token":{"$gt":""}}'] },
      { name: 'frame over 64 KiB', frames: [`42["typing:start",{"conversationId":"${'x'.repeat(70_000)}"}]`] },
    ];
    const outcomes: string[] = [];
    for (const { name, frames: toSend } of frames) {
      const client = await rawSocket(gateway, alice.token);
      raw.push(client.ws);
      const seen = client.frames.length;
      for (const f of toSend) client.ws.send(f);
      const outcome = await Promise.race([client.closed.then(() => 'closed'), sleep(500).then(() => 'open')]);
      // Whatever came back is an error, never an ack with data or someone else's event.
      const replies = client.frames.slice(seen).filter((f) => typeof f === 'string' && f !== '2') as string[];
      expect(replies.filter((f) => !/^4(4|3[^[]*\[\{"ok":false)/.test(f))).toEqual([]);
      outcomes.push(`${name}: ${outcome}`);
      client.ws.terminate();
    }
    expect(crashed(rig().platform)).toEqual([]);
    // A well-behaved client still gets through and is served.
    const socket = await connectSocket(gateway, { token: alice.token });
    sockets.push(socket);
    expect(await emitAck(socket, 'typing:start', { conversationId })).toEqual({ ok: true });
    process.stdout.write(`[resilience] hostile socket frames: ${outcomes.join('; ')}\n`);
  }, 60_000);

  describe('property-based fuzzing of every app input (fast-check)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.uuid(),
      fc.array(fc.oneof(fc.string(), fc.uuid(), fc.integer()), { maxLength: 5 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
      fc.string({ minLength: 3000, maxLength: 5000 }),
    );
    /** A body with the DTO's field names (each maybe missing, each any value) plus maybe a stray key. */
    const bodyOf = (fields: string[]) =>
      fc
        .tuple(
          fc.record(Object.fromEntries(fields.map((f) => [f, value])), { requiredKeys: [] }),
          fc.option(
            fc.tuple(
              fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'id', 'authorId', 'roles')),
              value,
            ),
          ),
        )
        .map(([body, extra]) => (extra ? { ...body, [extra[0]]: extra[1] } : body));

    const endpoints = (): {
      name: string;
      method: string;
      path: () => string;
      fields: string[];
      anonymous?: boolean;
    }[] => [
      {
        name: 'register',
        method: 'POST',
        path: () => '/api/auth/register',
        fields: ['email', 'password', 'handle', 'displayName', 'rememberMe', 'captchaToken'],
        anonymous: true,
      },
      {
        name: 'login',
        method: 'POST',
        path: () => '/api/auth/login',
        fields: ['email', 'password', 'rememberMe', 'captchaToken'],
        anonymous: true,
      },
      { name: 'refresh', method: 'POST', path: () => '/api/auth/refresh', fields: ['refreshToken'], anonymous: true },
      {
        name: 'update profile',
        method: 'PATCH',
        path: () => '/api/profiles/me',
        fields: ['displayName', 'headline', 'bio', 'location', 'skills'],
      },
      { name: 'connection request', method: 'POST', path: () => '/api/connections/requests', fields: ['userId'] },
      {
        name: 'create post',
        method: 'POST',
        path: () => '/api/posts',
        fields: ['text', 'visibility', 'idempotencyKey'],
      },
      { name: 'comment', method: 'POST', path: () => `/api/posts/${postId}/comments`, fields: ['text'] },
      { name: 'reaction', method: 'PUT', path: () => `/api/posts/${postId}/reactions`, fields: ['type'] },
      { name: 'notifications read', method: 'POST', path: () => '/api/notifications/read', fields: ['ids'] },
      { name: 'create conversation', method: 'POST', path: () => '/api/conversations', fields: ['memberIds', 'title'] },
      {
        name: 'send message',
        method: 'POST',
        path: () => `/api/conversations/${conversationId}/messages`,
        fields: ['text', 'clientMsgId'],
      },
      { name: 'mark read', method: 'POST', path: () => `/api/conversations/${conversationId}/read`, fields: ['seq'] },
    ];

    it.each(endpoints().map((e) => [e.name, e] as const))(
      '%s: any body gets an answer under 500, errors in the contract shape',
      async (_, endpoint) => {
        const [api] = rig().api;
        await fc.assert(
          fc.asyncProperty(bodyOf(endpoint.fields), async (body) => {
            const res = await api.request(
              endpoint.method,
              endpoint.path(),
              body,
              endpoint.anonymous ? {} : { token: alice.token },
            );
            if (res.status >= 500 || (res.status >= 400 && !isErrorShape(res.body, res.status))) {
              throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
            }
          }),
          { numRuns: FUZZ_RUNS },
        );
      },
      120_000,
    );

    it('list queries: any limit, cursor and filters get an answer under 500', async () => {
      const [api] = rig().api;
      const paths = [
        (q: string) => `/api/feed?${q}`,
        (q: string) => `/api/notifications?${q}`,
        (q: string) => `/api/profiles?${q}`,
        (q: string) => `/api/conversations?${q}`,
        (q: string) => `/api/conversations/${conversationId}/messages?${q}`,
        (q: string) => `/api/connections/requests?${q}`,
        (q: string) => `/api/presence?${q}`,
      ];
      const param = fc.tuple(
        fc.constantFrom('limit', 'cursor', 'q', 'afterSeq', 'beforeSeq', 'direction', 'userIds', 'x'),
        fc.oneof(fc.string(), fc.integer().map(String), fc.string({ unit: 'binary' })),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...paths), fc.array(param, { maxLength: 4 }), async (path, params) => {
          const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const res = await api.get(path(query), { token: alice.token });
          if (res.status >= 500 || (res.status >= 400 && !isErrorShape(res.body, res.status)))
            throw new Error(`${path(query)}: ${res.status} ${JSON.stringify(res.body)}`);
        }),
        { numRuns: FUZZ_RUNS * 4 },
      );
    }, 120_000);

    it('socket commands: any payload gets an ack, ok or one of the contract codes', async () => {
      const socket = await connectSocket(rig().platform.gateways[0], { token: bob.token });
      sockets.push(socket);
      const commands: Record<string, string[]> = {
        'message:send': ['conversationId', 'text', 'clientMsgId'],
        'message:read': ['conversationId', 'seq'],
        'typing:start': ['conversationId'],
        'typing:stop': ['conversationId'],
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...Object.keys(commands)),
          fc.oneof(value, bodyOf(['conversationId', 'text', 'clientMsgId', 'seq'])),
          async (event, payload) => {
            const ack = await emitAck<{ ok: boolean; error?: { code: string } }>(socket, event, payload);
            if (!ack.ok && !['bad_request', 'forbidden', 'not_found', 'rate_limited'].includes(ack.error?.code ?? ''))
              throw new Error(JSON.stringify(ack));
          },
        ),
        { numRuns: FUZZ_RUNS * 4 },
      );
      expect(socket.connected).toBe(true);
      await waitFor(() => crashed(rig().platform).length === 0);
    }, 120_000);
  });
});
