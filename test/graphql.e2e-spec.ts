import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ApiClient,
  blockUser,
  connectUsers,
  type Member,
  openConversation,
  registerMember,
  sharedPlatform,
  waitFor,
} from '@plaza/testing';
import { codes, gql, type GraphqlResponse } from './graphql.helpers';

jest.setTimeout(180_000);

const POST_FIELDS =
  'id text visibility createdAt commentCount viewerReaction reactionCounts { type count } author { id handle displayName }';

describe('GraphQL supergraph through the real gateways', () => {
  const platform = sharedPlatform();
  let api: ApiClient;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  const ok = <T = any>(res: GraphqlResponse<T>): T => {
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
    return res.data as T;
  };

  beforeAll(async () => {
    api = platform.api[0];
    [alice, bob, carol] = await Promise.all([registerMember(api), registerMember(api), registerMember(api)]);
  });

  it('answers me, user and a feed with its authors in one request, on both gateways', async () => {
    expect(ok(await gql(api, 'mutation($id: ID!) { follow(userId: $id) }', { id: bob.id }, alice.token))).toEqual({
      follow: true,
    });
    const post = await api.post('/api/posts', { text: 'hello from bob' }, { token: bob.token });
    expect(post.status).toBe(201);
    const query = `query Home($handle: String!) {
      me { id handle displayName email roles }
      user(handle: $handle) { id handle email online lastSeenAt relationship { following followedBy connection blocked } }
      feed(first: 5) { edges { cursor node { ${POST_FIELDS} } } pageInfo { hasNextPage endCursor } }
    }`;
    for (const gateway of platform.api) {
      const res = await waitFor(
        async () => {
          const r = await gql(gateway, query, { handle: bob.handle }, alice.token);
          return r.data?.feed?.edges?.length ? r : null;
        },
        { timeoutMs: 20_000, message: 'feed through GraphQL' },
      );
      const data = ok(res);
      expect(data.me).toEqual({
        id: alice.id,
        handle: alice.handle,
        displayName: alice.displayName,
        email: alice.email,
        roles: ['user'],
      });
      // Auth's fields are the caller's own only.
      expect(data.user).toMatchObject({
        id: bob.id,
        email: null,
        relationship: { following: true, followedBy: false },
      });
      expect(data.feed.edges[0].node).toMatchObject({
        id: post.body.id,
        text: 'hello from bob',
        author: { id: bob.id, handle: bob.handle, displayName: bob.displayName },
      });
    }
    expect(ok(await gql(api, 'mutation($id: ID!) { unfollow(userId: $id) }', { id: bob.id }, alice.token))).toEqual({
      unfollow: true,
    });
    const after = ok(
      await gql(api, '{ user(handle: "' + bob.handle + '") { relationship { following } } }', {}, alice.token),
    );
    expect(after.user.relationship.following).toBe(false);
  });

  it('refuses a missing or invalid token with UNAUTHENTICATED, and shows no stack trace', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const res = await gql(api, '{ me { id } }', {}, token);
      expect(codes(res)).toContain('UNAUTHENTICATED');
      expect(JSON.stringify(res)).not.toMatch(/stack|at .*\.js/);
    }
  });

  it('publishes, comments, reacts and notifies with the REST effects', async () => {
    const created = ok(
      await gql(
        api,
        `mutation($text: String!, $key: String) { createPost(text: $text, visibility: "public", idempotencyKey: $key) { ${POST_FIELDS} } }`,
        { text: 'Café opening', key: 'gql-once' },
        bob.token,
      ),
    ).createPost;
    expect(created).toMatchObject({
      text: 'Café opening',
      visibility: 'public',
      author: { id: bob.id },
      commentCount: 0,
    });
    const again = ok(
      await gql(api, 'mutation { createPost(text: "other", idempotencyKey: "gql-once") { id } }', {}, bob.token),
    );
    expect(again.createPost.id).toBe(created.id);
    const rest = await api.get(`/api/posts/${created.id}`, { token: alice.token });
    expect(rest.status).toBe(200);

    const comment = ok(
      await gql(
        api,
        'mutation($id: ID!) { comment(postId: $id, text: "Nice!") { id text createdAt author { handle } post { id commentCount } } }',
        { id: created.id },
        alice.token,
      ),
    ).comment;
    expect(comment).toMatchObject({
      text: 'Nice!',
      author: { handle: alice.handle },
      post: { id: created.id, commentCount: 1 },
    });

    const reacted = ok(
      await gql(
        api,
        `mutation($id: ID!) { react(postId: $id, type: "like") { ${POST_FIELDS} } }`,
        { id: created.id },
        alice.token,
      ),
    ).react;
    expect(reacted).toMatchObject({ viewerReaction: 'like', reactionCounts: [{ type: 'like', count: 1 }] });
    const withComments = ok(
      await gql(
        api,
        'query($id: ID!) { post(id: $id) { viewerReaction comments(first: 10) { edges { node { id text author { id } } } pageInfo { hasNextPage } } } }',
        { id: created.id },
        alice.token,
      ),
    ).post;
    expect(withComments.comments.edges.map((e: any) => e.node)).toEqual([
      { id: comment.id, text: 'Nice!', author: { id: alice.id } },
    ]);
    const unreacted = ok(
      await gql(
        api,
        'mutation($id: ID!) { react(postId: $id, type: null) { viewerReaction reactionCounts { type } } }',
        { id: created.id },
        alice.token,
      ),
    ).react;
    expect(unreacted).toEqual({ viewerReaction: null, reactionCounts: [] });

    // Bob is notified of the comment and the reaction, by the same consumers as REST.
    const notifications = await waitFor(
      async () => {
        const res = ok(
          await gql(
            api,
            '{ notifications(first: 10) { unreadCount edges { node { id type subjectId read actor { id handle } } } pageInfo { hasNextPage } } }',
            {},
            bob.token,
          ),
        ).notifications;
        return res.unreadCount >= 2 ? res : null;
      },
      { timeoutMs: 5000, message: 'notifications' },
    );
    const types = notifications.edges.map((e: any) => e.node.type);
    expect(types).toEqual(expect.arrayContaining(['post.commented', 'post.reacted']));
    expect(notifications.edges[0].node.actor).toEqual({ id: alice.id, handle: alice.handle });
    const ids = [notifications.edges[0].node.id];
    expect(
      ok(await gql(api, 'mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }', { ids }, bob.token)),
    ).toEqual({
      markNotificationsRead: true,
    });
    expect(ok(await gql(api, 'mutation { markNotificationsRead }', {}, bob.token))).toEqual({
      markNotificationsRead: true,
    });
    const rest2 = await api.get('/api/notifications', { token: bob.token });
    expect(rest2.body.unreadCount).toBe(0);
  });

  it('answers BAD_USER_INPUT for what REST answers 400, and changes nothing', async () => {
    const before = await api.get(`/api/users/${carol.id}/posts`, { token: carol.token });
    for (const [query, variables] of [
      ['mutation { createPost(text: "   ") { id } }', {}],
      ['mutation { createPost(text: "ok", visibility: "everyone") { id } }', {}],
      ['mutation($t: String!) { createPost(text: $t) { id } }', { t: 'x'.repeat(3001) }],
      ['mutation { follow(userId: "nope") }', {}],
      [`mutation { follow(userId: "${carol.id}") }`, {}],
      ['mutation { react(postId: "00000000-0000-4000-8000-000000000000", type: "love") { id } }', {}],
      ['{ feed(after: "garbage") { edges { cursor } } }', {}],
    ] as [string, Record<string, unknown>][]) {
      const res = await gql(api, query, variables, carol.token);
      expect({ query, codes: codes(res) }).toEqual({ query, codes: ['BAD_USER_INPUT'] });
    }
    const after = await api.get(`/api/users/${carol.id}/posts`, { token: carol.token });
    expect(after.body.items).toEqual(before.body.items);
  });

  it('applies visibility and blocks as REST does', async () => {
    const [dave, erin] = await Promise.all([registerMember(api), registerMember(api)]);
    const secret = await api.post(
      '/api/posts',
      { text: 'connections only', visibility: 'connections' },
      { token: dave.token },
    );
    const open = await api.post('/api/posts', { text: 'for everyone' }, { token: dave.token });
    const q = 'query($id: ID!) { post(id: $id) { id } }';
    expect(ok(await gql(api, q, { id: secret.body.id }, erin.token)).post).toBeNull();
    expect(ok(await gql(api, q, { id: open.body.id }, erin.token)).post).toEqual({ id: open.body.id });
    expect(ok(await gql(api, q, { id: '00000000-0000-4000-8000-000000000000' }, erin.token)).post).toBeNull();

    await blockUser(api, dave, erin.id);
    expect(ok(await gql(api, q, { id: open.body.id }, erin.token)).post).toBeNull();
    expect(ok(await gql(api, `{ user(handle: "${dave.handle}") { id } }`, {}, erin.token)).user).toBeNull();
    expect(ok(await gql(api, `{ user(handle: "nobody_${Date.now()}") { id } }`, {}, erin.token)).user).toBeNull();
    const posts = ok(
      await gql(api, `{ user(handle: "${erin.handle}") { posts { edges { node { id } } } } }`, {}, dave.token),
    );
    expect(posts.user.posts.edges).toEqual([]);
    const comment = await gql(
      api,
      'mutation($id: ID!) { comment(postId: $id, text: "hi") { id } }',
      { id: open.body.id },
      erin.token,
    );
    expect(codes(comment)).toEqual(['NOT_FOUND']);
  });

  it('suggests second-degree connections', async () => {
    const [p, q, r] = await Promise.all([registerMember(api), registerMember(api), registerMember(api)]);
    await connectUsers(api, p, q);
    await connectUsers(api, q, r);
    const data = await waitFor(
      async () => {
        const res = ok(await gql(api, '{ suggestions(first: 5) { id handle } }', {}, p.token));
        return res.suggestions.some((u: any) => u.id === r.id) ? res : null;
      },
      { timeoutMs: 5000, message: 'suggestion' },
    );
    expect(data.suggestions).toContainEqual({ id: r.id, handle: r.handle });
    expect(codes(await gql(api, '{ suggestions(first: 101) { id } }', {}, p.token))).toEqual(['BAD_USER_INPUT']);
  });

  it('lists conversations, reads messages and sends idempotently', async () => {
    const [m1, m2, outsider] = await Promise.all([registerMember(api), registerMember(api), registerMember(api)]);
    const conversationId = await openConversation(api, m1, [m2.id]);
    const send = `mutation($c: ID!, $t: String!, $k: String!) { sendMessage(conversationId: $c, text: $t, clientMsgId: $k) {
      id conversationId seq text clientMsgId createdAt sender { id handle } } }`;
    const first = ok(await gql(api, send, { c: conversationId, t: 'hello', k: 'k-1' }, m1.token)).sendMessage;
    expect(first).toMatchObject({
      conversationId,
      seq: 1,
      text: 'hello',
      clientMsgId: 'k-1',
      sender: { id: m1.id, handle: m1.handle },
    });
    const retry = ok(await gql(api, send, { c: conversationId, t: 'hello', k: 'k-1' }, m1.token)).sendMessage;
    expect(retry.id).toBe(first.id);
    ok(await gql(api, send, { c: conversationId, t: 'second', k: 'k-2' }, m1.token));
    const rest = await api.get(`/api/conversations/${conversationId}/messages`, { token: m2.token });
    expect(rest.body.items.map((m: any) => m.text)).toEqual(['hello', 'second']);

    const list = ok(
      await gql(
        api,
        `{ conversations(first: 10) { edges { cursor node { id type title unreadCount createdAt
            members { id handle } lastMessage { seq text sender { handle } }
            messages(last: 1) { seq text } } } pageInfo { hasNextPage endCursor } } }`,
        {},
        m2.token,
      ),
    ).conversations;
    expect(list.edges).toHaveLength(1);
    const node = list.edges[0].node;
    expect(node).toMatchObject({
      id: conversationId,
      type: 'direct',
      unreadCount: 2,
      lastMessage: { seq: 2, text: 'second', sender: { handle: m1.handle } },
    });
    expect(node.members.map((m: any) => m.id).sort()).toEqual([m1.id, m2.id].sort());
    expect(node.messages).toEqual([{ seq: 2, text: 'second' }]);
    const older = ok(
      await gql(
        api,
        'query($id: ID!) { conversation(id: $id) { messages(last: 5, before: 2) { seq } } }',
        { id: conversationId },
        m2.token,
      ),
    );
    expect(older.conversation.messages).toEqual([{ seq: 1 }]);
    expect(
      ok(await gql(api, 'query($id: ID!) { conversation(id: $id) { id } }', { id: conversationId }, outsider.token))
        .conversation,
    ).toBeNull();
    expect(codes(await gql(api, send, { c: conversationId, t: 'intruding', k: 'k-x' }, outsider.token))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await gql(api, send, { c: conversationId, t: ' ', k: 'k-y' }, m1.token))).toEqual(['BAD_USER_INPUT']);
    await blockUser(api, m2, m1.id);
    // Messaging learns of the block from profiles' event (this branch predates the consistency rule's instant check).
    let n = 0;
    await waitFor(
      async () => {
        n += 1;
        const res = await gql(api, send, { c: conversationId, t: 'blocked?', k: `k-z${n}` }, m1.token);
        return codes(res)[0] === 'FORBIDDEN' ? true : null;
      },
      { timeoutMs: 10_000, message: 'FORBIDDEN after a block' },
    );
  });

  it('pages through 45 posts without gaps or repeats (User.posts and feed)', async () => {
    const [writer, reader] = await Promise.all([registerMember(api), registerMember(api)]);
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      const res = await api.post('/api/posts', { text: `post ${i}` }, { token: writer.token });
      ids.push(res.body.id);
    }
    ok(await gql(api, 'mutation($id: ID!) { follow(userId: $id) }', { id: writer.id }, reader.token));
    const collect = async (field: string) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const query =
          field === 'feed'
            ? 'query($after: String) { list: feed(first: 20, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }'
            : `query($after: String) { user(handle: "${writer.handle}") { list: posts(first: 20, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`;
        const data: any = ok(await gql(platform.api[page % 2], query, { after }, reader.token));
        const list: any = field === 'feed' ? data.list : data.user.list;
        seen.push(...list.edges.map((e: any) => e.node.id));
        if (!list.pageInfo.hasNextPage) break;
        after = list.pageInfo.endCursor;
      }
      return seen;
    };
    expect(await collect('posts')).toEqual([...ids].reverse());
    await waitFor(async () => ((await collect('feed')).length === 45 ? true : null), {
      timeoutMs: 10_000,
      message: 'feed of 45',
    });
    expect(await collect('feed')).toEqual([...ids].reverse());
  });

  describe('limits before execution', () => {
    it('refuses an operation deeper than GRAPHQL_MAX_DEPTH with DEPTH_LIMIT_EXCEEDED', async () => {
      const deep =
        '{ feed(first: 1) { edges { node { comments(first: 1) { edges { node { post { comments(first: 1) { edges { node { post { author { handle } } } } } } } } } } } } }';
      const res = await gql(api, deep, {}, alice.token);
      expect(codes(res)).toEqual(['DEPTH_LIMIT_EXCEEDED']);
      expect(res.data ?? null).toBeNull();
    });

    it('refuses a costly operation with COMPLEXITY_LIMIT_EXCEEDED before any resolver runs', async () => {
      const writer = await registerMember(api);
      const costly = `mutation { createPost(text: "never stored") { comments(first: 100) { edges { node { post { comments(first: 100) { edges { node { id } } } } } } } } }`;
      const res = await gql(api, costly, {}, writer.token);
      expect(codes(res)).toEqual(['COMPLEXITY_LIMIT_EXCEEDED']);
      // Variables count too: first: $n is the page size the client asked for.
      const viaVariables = await gql(
        api,
        'query($n: Int) { feed(first: $n) { edges { node { comments(first: $n) { edges { node { id text } } } } } } }',
        { n: 100 },
        writer.token,
      );
      expect(codes(viaVariables)).toEqual(['COMPLEXITY_LIMIT_EXCEEDED']);
      const posts = await api.get(`/api/users/${writer.id}/posts`, { token: writer.token });
      expect(posts.body.items).toEqual([]);
    });

    it('refuses first/last over 100 with BAD_USER_INPUT', async () => {
      expect(codes(await gql(api, '{ feed(first: 101) { edges { cursor } } }', {}, alice.token))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(
        codes(await gql(api, 'query($n: Int) { notifications(first: $n) { unreadCount } }', { n: 0 }, alice.token)),
      ).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('serves automatic persisted queries shared by the gateways, also over GET', async () => {
    const query = `{ me { id handle } } # ${Date.now()}`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persisted = { persistedQuery: { version: 1, sha256Hash } };
    const unknown = await gql(api, '', {}, alice.token, persisted);
    expect(codes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(ok(await gql(api, query, {}, alice.token, persisted)).me.id).toBe(alice.id);
    // Registered through gateway 1, known to gateway 2 (Redis), over GET.
    const url = `/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted))}`;
    const res = await platform.api[1].get(url, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body.data.me).toEqual({ id: alice.id, handle: alice.handle });
  });

  it('serves the composed schema, as committed in schema.graphql', async () => {
    const res = await fetch(`${platform.gateways[0]}/graphql/schema.graphql`);
    expect(res.status).toBe(200);
    const served = await res.text();
    const committed = readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8');
    expect(served.trim()).toBe(committed.trim());
    // Introspection is on outside production (GraphiQL in development).
    expect(ok(await gql(api, '{ __schema { queryType { name } } }', {}, alice.token)).__schema.queryType.name).toBe(
      'Query',
    );
  });
  // Subgraph calls and SQL statements per request (No N+1) are measured on a platform of its
  // own, where no other suite's /graphql calls mix in: graphql-platform.e2e-spec.ts.
});
