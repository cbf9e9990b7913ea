import { createECDH, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, jwtVerify } from 'jose';

/** A browser's side of a subscription: a real P-256 key pair and auth secret (RFC 8291). */
export interface BrowserKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
  ecdh: ReturnType<typeof createECDH>;
  authSecret: Buffer;
}

export interface ReceivedPush {
  path: string;
  at: number;
  headers: IncomingMessage['headers'];
  /** The decrypted JSON payload. */
  payload: { type: string; eventId: string; title: string; body: string; url: string };
}

/** How an endpoint answers: 201, 410 (gone), 429 once with Retry-After, or never (hang). */
export type Behaviour = 'ok' | 'gone' | 'retry-after-once' | 'hang';

/**
 * A Web Push service as a real local HTTP server: it checks the VAPID JWT (RFC 8292: ES256 by
 * the key in `k`, `aud` = its origin, `exp` within 24 h) and decrypts the aes128gcm payload
 * (RFC 8291) with the subscription's private key and auth secret, as a browser would.
 */
export class WebPushFake {
  readonly received: ReceivedPush[] = [];
  /** Every request, answered or not (retries included). */
  readonly attempts: Array<{ path: string; at: number; status: number }> = [];
  readonly errors: string[] = [];
  private readonly subs = new Map<string, { keys: BrowserKeys; behaviour: Behaviour; answered: number }>();
  private readonly hanging: ServerResponse[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly vapidPublicKey: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** A new browser subscription on this service. */
  subscription(behaviour: Behaviour = 'ok'): BrowserKeys {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const authSecret = randomBytes(16);
    const id = randomBytes(8).toString('hex');
    const keys: BrowserKeys = {
      endpoint: `${this.url}/push/${id}`,
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: authSecret.toString('base64url'),
      ecdh,
      authSecret,
    };
    this.subs.set(`/push/${id}`, { keys, behaviour, answered: 0 });
    return keys;
  }

  pushesTo(keys: BrowserKeys): ReceivedPush[] {
    const path = new URL(keys.endpoint).pathname;
    return this.received.filter((p) => p.path === path);
  }

  attemptsTo(keys: BrowserKeys): Array<{ at: number; status: number }> {
    const path = new URL(keys.endpoint).pathname;
    return this.attempts.filter((a) => a.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = req.url ?? '';
    const sub = this.subs.get(path);
    const answer = (status: number, headers: Record<string, string> = {}) => {
      this.attempts.push({ path, at: Date.now(), status });
      res.writeHead(status, headers).end();
    };
    if (!sub) return answer(404);
    if (sub.behaviour === 'hang') {
      this.attempts.push({ path, at: Date.now(), status: 0 });
      this.hanging.push(res);
      return;
    }
    try {
      await this.checkVapid(req.headers.authorization);
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('content-encoding is not aes128gcm');
      if (!req.headers.ttl) throw new Error('no TTL header');
    } catch (err) {
      this.errors.push((err as Error).message);
      return answer(401);
    }
    sub.answered += 1;
    if (sub.behaviour === 'gone') return answer(410);
    if (sub.behaviour === 'retry-after-once' && sub.answered === 1) return answer(429, { 'retry-after': '2' });
    let payload: ReceivedPush['payload'];
    try {
      payload = JSON.parse(decrypt(body, sub.keys).toString('utf8')) as ReceivedPush['payload'];
    } catch (err) {
      this.errors.push(`decryption failed: ${(err as Error).message}`);
      return answer(400);
    }
    this.received.push({ path, at: Date.now(), headers: req.headers, payload });
    answer(201);
  }

  /** `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292 §3). */
  private async checkVapid(header: string | undefined): Promise<void> {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
    if (!match) throw new Error(`no vapid authorization: ${header}`);
    const [, jwt, k] = match;
    if (k !== this.vapidPublicKey) throw new Error('VAPID key is not the server key');
    const point = Buffer.from(k, 'base64url');
    const key = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
      'ES256',
    );
    const { payload } = await jwtVerify(jwt, key, { audience: this.url, algorithms: ['ES256'] });
    if (!payload.exp || payload.exp > Date.now() / 1000 + 24 * 3600) throw new Error('VAPID exp missing or > 24 h');
    if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) throw new Error('VAPID sub');
  }
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8291 §3.4 + RFC 8188: one aes128gcm record, as the user agent decrypts it. */
export function decrypt(body: Buffer, keys: BrowserKeys): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const uaPublic = keys.ecdh.getPublicKey();
  const ecdhSecret = keys.ecdh.computeSecret(asPublic);
  const prkKey = hmac(keys.authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}
