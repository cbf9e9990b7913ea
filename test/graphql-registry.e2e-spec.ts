import { createServer, type Server } from 'node:http';
import { buildSubgraph, SchemaRegistry } from '@plaza/graphql';
import {
  apiClient,
  freePort,
  type Member,
  type Platform,
  registerMember,
  startPlatform,
  waitFor,
} from '@plaza/testing';
import { createYoga } from 'graphql-yoga';
import Redis from 'ioredis';
import { codes, gql } from './graphql.helpers';

/**
 * The schema registry with a subgraph deployed alone: a "labs" subgraph served by this test
 * (as a real HTTP server) extends User, is restarted with an added field, then with a field
 * removed that clients use. Its own platform (own database, registry and announcements).
 */
describe('GraphQL schema registry: subgraphs deployed alone, gateways swap live', () => {
  let platform: Platform;
  let registry: SchemaRegistry;
  let redis: Redis;
  let labs: Server | undefined;
  let port: number;
  let member: Member;

  const sdl = (fields: string) => `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type User @key(fields: "id") { id: ID! ${fields} }`;

  /** (Re)starts the labs subgraph with these fields and publishes it, as an app does at start-up. */
  const deployLabs = async (fields: string, resolvers: Record<string, () => unknown>) => {
    if (labs) await new Promise((r) => labs!.close(r));
    const typeDefs = sdl(fields);
    const yoga = createYoga({ schema: buildSubgraph({ typeDefs, resolvers: { User: resolvers } }), logging: false });
    labs = createServer(yoga);
    await new Promise<void>((r) => labs!.listen(port, '127.0.0.1', r));
    return registry.publish({ name: 'labs', url: `http://127.0.0.1:${port}/graphql`, sdl: typeDefs });
  };

  beforeAll(async () => {
    // A Redis of its own: API_RATE_LIMIT counts anonymous calls per IP, and every suite of the run
    // calls from 127.0.0.1 — on the shared Redis their registrations would spend these 30.
    platform = await startPlatform({
      apps: ['auth', 'profiles'],
      gateways: 2,
      ownRedis: true,
      env: { API_RATE_LIMIT: '30' },
    });
    redis = new Redis(platform.env.REDIS_URL);
    registry = new SchemaRegistry({
      databaseUrl: platform.env.DATABASE_URL,
      redis,
      keyPrefix: platform.env.EVENTS_STREAM_PREFIX,
    });
    port = await freePort();
    member = await registerMember(apiClient(platform.gateways[0]));
  }, 300_000);

  afterAll(async () => {
    if (labs) await new Promise((r) => labs!.close(r));
    await registry?.close();
    redis?.disconnect();
    await platform?.stop();
  });

  const query = (gateway: string, fields: string) =>
    gql(apiClient(gateway), `{ me { handle ${fields} } }`, {}, member.token);

  it('serves a new subgraph, then its added field, on both gateways without restarting them', async () => {
    const pids = platform.processes.filter((p) => p.app === 'gateway').map((p) => p.child.pid);
    const v1 = await deployLabs('badge: String', { badge: () => 'gold' });
    expect(v1.status).toBe('accepted');
    for (const gateway of platform.gateways) {
      await waitFor(async () => ((await query(gateway, 'badge')).data?.me?.badge === 'gold' ? true : null), {
        timeoutMs: 10_000,
        message: `labs v1 on ${gateway}`,
      });
    }
    const v2 = await deployLabs('badge: String pronouns: String', { badge: () => 'gold', pronouns: () => 'they/them' });
    expect(v2.status).toBe('accepted');
    for (const gateway of platform.gateways) {
      const res = await waitFor(
        async () => {
          const r = await query(gateway, 'badge pronouns');
          return r.data?.me?.pronouns ? r : null;
        },
        { timeoutMs: 10_000, message: `labs v2 on ${gateway}` },
      );
      expect(res.data.me).toEqual({ handle: member.handle, badge: 'gold', pronouns: 'they/them' });
    }
    expect(platform.processes.filter((p) => p.app === 'gateway').map((p) => p.child.pid)).toEqual(pids);
    const served = await (await fetch(`${platform.gateways[1]}/graphql/schema.graphql`)).text();
    expect(served).toContain('pronouns: String');
  });

  it('refuses a schema that removes a field in use, or does not compose; the running supergraph stays', async () => {
    const current = await registry.current();
    const removed = await registry.publish({
      name: 'labs',
      url: `http://127.0.0.1:${port}/graphql`,
      sdl: sdl('pronouns: String'),
    });
    expect(removed.status).toBe('refused');
    expect(removed.status === 'refused' && removed.reasons.join(' ')).toMatch(/badge/);
    const conflicting = await registry.publish({
      name: 'labs',
      url: `http://127.0.0.1:${port}/graphql`,
      sdl: sdl('badge: String pronouns: String handle: Int'),
    });
    expect(conflicting.status).toBe('refused');
    expect(conflicting.status === 'refused' && conflicting.reasons.join(' ')).toMatch(/composition/);
    expect((await registry.current())?.id).toBe(current?.id);
    const history = await registry.history(3);
    expect(history.map((h) => h.status)).toEqual(['refused', 'refused', 'accepted']);
    for (const gateway of platform.gateways) {
      const res = await query(gateway, 'badge pronouns');
      expect(res.data.me).toEqual({ handle: member.handle, badge: 'gold', pronouns: 'they/them' });
    }
  });

  it('counts GraphQL operations against API_RATE_LIMIT and answers RATE_LIMITED', async () => {
    let last = await query(platform.gateways[0], '');
    for (let i = 0; i < 40 && last.status !== 429; i++) last = await query(platform.gateways[i % 2], '');
    expect(last.status).toBe(429);
    expect(codes(last)).toEqual(['RATE_LIMITED']);
  });
});
