import {
  type ApiClient,
  type Member,
  registerMember,
  registerUser,
  sharedPlatform,
  uniqueSuffix,
  waitFor,
} from '@plaza/testing';

/** Profiles: reading, editing, limits, lazy creation, search. Everything through the gateways. */
describe('profiles: read, edit, search', () => {
  const platform = sharedPlatform();
  const api: ApiClient = platform.api[0];
  const other: ApiClient = platform.api[1];
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([registerMember(api), registerMember(api)]);
  });

  it('refuses every route without a valid token (401)', async () => {
    for (const [method, path] of [
      ['GET', `/api/profiles/${alice.handle}`],
      ['GET', '/api/profiles?q=a'],
      ['PATCH', '/api/profiles/me'],
      ['GET', '/api/profiles/me/suggestions'],
      ['POST', '/api/connections/requests'],
      ['GET', '/api/connections'],
      ['PUT', `/api/follows/${alice.id}`],
      ['DELETE', `/api/blocks/${alice.id}`],
    ]) {
      const res = await api.request(method, path, method === 'PATCH' || method === 'POST' ? {} : undefined, {
        token: 'not-a-token',
      });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('creates the profile from the registration: handle and display name as registered', async () => {
    const s = uniqueSuffix();
    const reg = await registerUser(api, { handle: `reg_${s}`, displayName: `Registered ${s}` });
    const res = await waitFor(
      async () => {
        const r = await other.get(`/api/profiles/reg_${s}`, { token: alice.token });
        return r.status === 200 ? r : null;
      },
      { timeoutMs: 15_000, message: 'profile created from user.registered' },
    );
    expect(res.body).toEqual({
      id: reg.user.id,
      handle: `reg_${s}`,
      displayName: `Registered ${s}`,
      headline: '',
      bio: '',
      location: '',
      skills: [],
      connectionCount: 0,
      followerCount: 0,
      followingCount: 0,
      relationship: { connection: 'none', following: false, followedBy: false, blocked: false },
    });
  });

  it('gives a caller without a profile yet one on first request (GET /api/profiles/me)', async () => {
    const reg = await registerUser(api);
    const res = await api.get('/api/profiles/me', { token: reg.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(reg.user.id);
    expect(res.body.handle).toMatch(/^[a-z0-9_]{3,30}$/);
  });

  it('PATCH /api/profiles/me updates any subset of fields and answers the Profile', async () => {
    const res = await api.patch(
      '/api/profiles/me',
      {
        headline: '  Staff engineer at Plaza  ',
        bio: 'Builds graphs.',
        location: 'Lisbon',
        skills: ['TypeScript', 'PostgreSQL', 'typescript'],
      },
      { token: alice.token },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: alice.id,
      handle: alice.handle,
      displayName: alice.displayName,
      headline: 'Staff engineer at Plaza',
      bio: 'Builds graphs.',
      location: 'Lisbon',
      skills: ['TypeScript', 'PostgreSQL'],
    });
    const name = await api.patch('/api/profiles/me', { displayName: 'Alice A.' }, { token: alice.token });
    expect(name.body).toMatchObject({ displayName: 'Alice A.', headline: 'Staff engineer at Plaza' });
    const seen = await other.get(`/api/profiles/${alice.handle}`, { token: bob.token });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      displayName: 'Alice A.',
      location: 'Lisbon',
      skills: ['TypeScript', 'PostgreSQL'],
    });
  });

  it.each([
    ['an unknown field', { displayName: 'x', isAdmin: true }],
    ['the handle (not editable)', { handle: 'new_handle' }],
    ['an empty display name', { displayName: '   ' }],
    ['a display name over 80', { displayName: 'x'.repeat(81) }],
    ['a headline over 160', { headline: 'x'.repeat(161) }],
    ['a bio over 2000', { bio: 'x'.repeat(2001) }],
    ['a location over 100', { location: 'x'.repeat(101) }],
    ['more than 50 skills', { skills: Array.from({ length: 51 }, (_, i) => `skill${i}`) }],
    ['a skill over 50', { skills: ['x'.repeat(51)] }],
    ['an empty skill', { skills: [''] }],
    ['skills that are not strings', { skills: [1, 2] }],
    ['a non-string headline', { headline: 42 }],
  ])('PATCH /api/profiles/me refuses %s with 400', async (_what, body) => {
    const res = await api.patch('/api/profiles/me', body, { token: bob.token });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('accepts fields exactly at their limits', async () => {
    const body = {
      displayName: 'd'.repeat(80),
      headline: 'h'.repeat(160),
      bio: 'b'.repeat(2000),
      skills: Array.from({ length: 50 }, (_, i) => `${'s'.repeat(48)}${i}`.slice(-50)),
    };
    const res = await api.patch('/api/profiles/me', body, { token: bob.token });
    expect(res.status).toBe(200);
    expect(res.body.bio).toHaveLength(2000);
    expect(res.body.skills).toHaveLength(50);
    await api.patch(
      '/api/profiles/me',
      { displayName: bob.displayName, headline: '', bio: '', skills: [] },
      { token: bob.token },
    );
  });

  it('stores SQL-like and markup text as text, and finds it as text', async () => {
    const carol = await registerMember(api);
    const nasty = `Robert'); DROP TABLE profiles.profiles;-- %_\\ <script>`;
    const res = await api.patch(
      '/api/profiles/me',
      { headline: nasty, skills: ["' OR 1=1 --"] },
      { token: carol.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.headline).toBe(nasty);
    const seen = await api.get(`/api/profiles/${carol.handle}`, { token: alice.token });
    expect(seen.body).toMatchObject({ headline: nasty, skills: ["' OR 1=1 --"] });
    const found = await api.get(`/api/profiles?q=${encodeURIComponent('drop table profiles.profiles;-- %_\\')}`, {
      token: alice.token,
    });
    expect(found.status).toBe(200);
    expect(found.body.items.map((p: { id: string }) => p.id)).toEqual([carol.id]);
    // `%` and `_` are literal: a bare wildcard finds only text that contains it.
    const wildcard = await api.get(`/api/profiles?q=${encodeURIComponent('%_\\')}`, { token: alice.token });
    expect(wildcard.body.items.map((p: { id: string }) => p.id)).toEqual([carol.id]);
  });

  it('answers 404 for an unknown or malformed handle', async () => {
    expect((await api.get('/api/profiles/no_such_handle_here', { token: alice.token })).status).toBe(404);
    expect((await api.get(`/api/profiles/${encodeURIComponent("x' OR '1'='1")}`, { token: alice.token })).status).toBe(
      404,
    );
  });

  describe('search', () => {
    const s = uniqueSuffix();
    let people: Member[];

    beforeAll(async () => {
      people = await Promise.all(Array.from({ length: 5 }, () => registerMember(api)));
      const edits = [
        { displayName: `Zed Quasar${s}`, headline: 'Data engineer', skills: [] },
        { displayName: 'Someone Else', headline: `Works on quasar${s} telescopes`, skills: [] },
        { displayName: 'Third Person', headline: 'Gardener', skills: [`Quasar${s}-physics`] },
        { displayName: 'Fourth Person', headline: 'Nothing relevant', skills: ['Cooking'] },
        { displayName: `Quasar${s} Fan`, headline: 'Astronomer', skills: [] },
      ];
      await Promise.all(people.map((p, i) => api.patch('/api/profiles/me', edits[i], { token: p.token })));
    });

    const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((p) => p.id);

    it('matches display name, headline and skill, case-insensitively, name prefixes first', async () => {
      const res = await api.get(`/api/profiles?q=QUASAR${s}`, { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      const found = ids(res);
      expect(new Set(found)).toEqual(new Set([people[0].id, people[1].id, people[2].id, people[4].id]));
      // "Quasar… Fan" starts with the query: ranked before the substring matches.
      expect(found[0]).toBe(people[4].id);
      expect(res.body.items[0]).toMatchObject({ displayName: `Quasar${s} Fan`, relationship: { connection: 'none' } });
    });

    it('matches handles, exact handle first', async () => {
      const res = await api.get(`/api/profiles?q=${people[3].handle}`, { token: alice.token });
      expect(ids(res)[0]).toBe(people[3].id);
    });

    it('paginates with limit and cursor without repeats or gaps', async () => {
      const all = ids(await api.get(`/api/profiles?q=quasar${s}&limit=100`, { token: alice.token }));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } =
          await api.get(`/api/profiles?q=quasar${s}&limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
            token: alice.token,
          });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...res.body.items.map((p) => p.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
      expect(all).toHaveLength(4);
    });

    it('defaults to 20 per page and refuses limit over 100, limit 0 and a forged cursor (400)', async () => {
      // 21 matches, so a default page that ignored the limit (or a short one) shows.
      const s = uniqueSuffix();
      await Promise.all([...Array(21).keys()].map((i) => registerUser(api, { displayName: `Pager ${s} ${i}` })));
      const page = await waitFor(
        async () => {
          const r = await api.get(`/api/profiles?q=${s}`, { token: alice.token });
          return r.status === 200 && r.body.nextCursor ? r : null;
        },
        { timeoutMs: 15_000, message: 'a second page of profiles' },
      );
      expect(page.body.items).toHaveLength(20);
      const rest = await api.get(`/api/profiles?q=${s}&cursor=${page.body.nextCursor}`, { token: alice.token });
      expect(rest.body.items).toHaveLength(1);
      for (const q of [
        'limit=101',
        'limit=0',
        'limit=abc',
        'cursor=not-a-cursor',
        `cursor=${Buffer.from('{"t":"x"}').toString('base64url')}`,
        'unknown=1',
      ]) {
        const res = await api.get(`/api/profiles?q=a&${q}`, { token: alice.token });
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
      }
    });

    it('never returns anyone with a block either way', async () => {
      const [x, y] = await Promise.all([registerMember(api), registerMember(api)]);
      const tag = `blk${uniqueSuffix()}`;
      await Promise.all([x, y].map((m) => api.patch('/api/profiles/me', { headline: tag }, { token: m.token })));
      expect(new Set(ids(await api.get(`/api/profiles?q=${tag}`, { token: alice.token })))).toEqual(
        new Set([x.id, y.id]),
      );
      expect((await api.put(`/api/blocks/${alice.id}`, undefined, { token: x.token })).status).toBe(204);
      expect((await api.put(`/api/blocks/${y.id}`, undefined, { token: alice.token })).status).toBe(204);
      expect(ids(await api.get(`/api/profiles?q=${tag}`, { token: alice.token }))).toEqual([]);
      // y blocked by alice sees neither alice's profile nor loses x; the caller's own profile is listed.
      expect(new Set(ids(await api.get(`/api/profiles?q=${tag}`, { token: y.token })))).toEqual(new Set([x.id, y.id]));
    });
  });
});
