import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';

export interface FcmMessage {
  token: string;
  notification: { title: string; body: string };
  data: Record<string, string>;
  android: { collapse_key: string; priority: string; ttl: string };
  apns: { headers: Record<string, string> };
}

/**
 * FCM HTTP v1 and a Google-style OAuth token endpoint as one real local server. The token
 * endpoint checks the RFC 7523 assertion (RS256 by the service account's key, `aud` = its own
 * `token_uri`, the firebase.messaging scope); `messages:send` accepts only a bearer it issued.
 */
export class FcmFake {
  readonly messages: Array<{ at: number; project: string; message: FcmMessage }> = [];
  readonly tokenRequests: number[] = [];
  readonly errors: string[] = [];
  private readonly issued = new Set<string>();
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server?: Server;
  url = '';
  credentialsFile = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.credentialsFile = join(tmpdir(), `plaza-fcm-${randomBytes(4).toString('hex')}.json`);
    writeFileSync(
      this.credentialsFile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'plaza-test',
        private_key_id: 'k1',
        private_key: this.keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        client_email: 'push@plaza-test.iam.gserviceaccount.com',
        token_uri: `${this.url}/token`,
      }),
    );
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (req.url === '/token') {
      this.tokenRequests.push(Date.now());
      try {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('grant_type');
        const { payload } = await jwtVerify(form.get('assertion') ?? '', this.keys.publicKey, {
          audience: `${this.url}/token`,
          issuer: 'push@plaza-test.iam.gserviceaccount.com',
          algorithms: ['RS256'],
        });
        if (payload.scope !== 'https://www.googleapis.com/auth/firebase.messaging') throw new Error('scope');
      } catch (err) {
        this.errors.push(`token: ${(err as Error).message}`);
        return json(400, { error: 'invalid_grant' });
      }
      const token = `ya29.${randomBytes(16).toString('hex')}`;
      this.issued.add(token);
      return json(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    }
    const match = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(req.url ?? '');
    if (!match) return json(404, { error: { code: 404 } });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !this.issued.has(bearer)) {
      this.errors.push('messages:send without a bearer the token endpoint issued');
      return json(401, { error: { code: 401, status: 'UNAUTHENTICATED' } });
    }
    const { message } = JSON.parse(body) as { message: FcmMessage };
    this.messages.push({ at: Date.now(), project: match[1], message });
    json(200, { name: `projects/${match[1]}/messages/${randomBytes(6).toString('hex')}` });
  }
}
