import { type ApiClient, type Member, registerMember, sharedPlatform, waitFor } from '@plaza/testing';

interface GraphqlResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql<T = any>(
  api: ApiClient,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphqlResponse<T>> {
  const res = await api.post('/graphql', { query, variables }, { token });
  return { status: res.status, ...(res.body as object) };
}

const codes = (res: GraphqlResponse) => (res.errors ?? []).map((e) => e.extensions?.code);

describe('GraphQL supergraph through the real gateways', () => {
  const platform = sharedPlatform();
  let api: ApiClient;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    api = platform.api[0];
    [alice, bob] = await Promise.all([registerMember(api), registerMember(api)]);
  });

  it('answers me, user and a feed with its authors in one request, on both gateways', async () => {
    const follow = await gql(api, 'mutation($id: ID!) { follow(userId: $id) }', { id: bob.id }, alice.token);
    expect(follow).toMatchObject({ status: 200, data: { follow: true } });
    const post = await api.post('/api/posts', { text: 'hello from bob' }, { token: bob.token });
    expect(post.status).toBe(201);
    const query = `query Home($handle: String!) {
      me { id handle displayName }
      user(handle: $handle) { id handle relationship { following followedBy connection blocked } }
      feed(first: 5) { edges { cursor node { id text author { id handle displayName } } } pageInfo { hasNextPage endCursor } }
    }`;
    for (const gateway of platform.api) {
      const res = await waitFor(
        async () => {
          const r = await gql(gateway, query, { handle: bob.handle }, alice.token);
          return r.data?.feed?.edges?.length ? r : null;
        },
        { timeoutMs: 5000, message: 'feed through GraphQL' },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.me).toEqual({ id: alice.id, handle: alice.handle, displayName: alice.displayName });
      expect(res.data.user).toMatchObject({ id: bob.id, relationship: { following: true, followedBy: false } });
      expect(res.data.feed.edges[0].node).toMatchObject({
        id: post.body.id,
        text: 'hello from bob',
        author: { id: bob.id, handle: bob.handle, displayName: bob.displayName },
      });
    }
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const res = await gql(api, '{ me { id } }');
    expect(codes(res)).toContain('UNAUTHENTICATED');
  });
});
