import { Client } from 'pg';
import {
  expectErrorBody,
  grantRole,
  loginUser,
  registerUser,
  sharedPlatform,
  type TestUser,
  waitFor,
} from '@plaza/testing';

describe('admin: roles, suspension and the audit log', () => {
  const platform = sharedPlatform();
  const [api, api2] = platform.api;
  let admin: TestUser;
  let moderator: TestUser;
  let db: Client;

  beforeAll(async () => {
    [admin, moderator] = await Promise.all([registerUser(api), registerUser(api)]);
    await Promise.all([
      grantRole(platform.env, admin.email, 'admin'),
      grantRole(platform.env, moderator.email, 'moderator'),
    ]);
    db = new Client({ connectionString: platform.env.DATABASE_URL });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db.end();
  });

  it('the CLI grant applied to sessions that were already open', async () => {
    const me = await api.get('/api/auth/me', { token: admin.accessToken });
    expect(me.body.roles).toEqual(['user', 'admin']);
    expect(me.body.permissions).toEqual([
      'users:read',
      'users:suspend',
      'posts:moderate',
      'roles:manage',
      'audit:read',
    ]);
  });

  it('refuses every admin route to plain users (403) and to anonymous callers (401)', async () => {
    const user = await registerUser(api);
    const id = user.user.id;
    const calls = [
      () => api.get('/api/admin/users', { token: user.accessToken }),
      () => api.put(`/api/admin/users/${id}/roles`, { roles: ['admin'] }, { token: user.accessToken }),
      () => api.post(`/api/admin/users/${id}/suspend`, undefined, { token: user.accessToken }),
      () => api.post(`/api/admin/users/${id}/unsuspend`, undefined, { token: user.accessToken }),
      () => api.get('/api/admin/audit', { token: user.accessToken }),
    ];
    for (const call of calls) {
      const res = await call();
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'forbidden' });
    }
    expect((await api.get('/api/admin/users')).status).toBe(401);
    expect((await api.get('/api/auth/me', { token: user.accessToken })).body.roles).toEqual(['user']);
  });

  it('lets moderators read and suspend users but not manage roles or read the audit log', async () => {
    const user = await registerUser(api);
    const list = await api.get(`/api/admin/users?q=${encodeURIComponent(user.user.handle)}`, {
      token: moderator.accessToken,
    });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [{ ...user.user, suspended: false }], nextCursor: null });
    expect(
      (
        await api.put(
          `/api/admin/users/${user.user.id}/roles`,
          { roles: ['moderator'] },
          { token: moderator.accessToken },
        )
      ).status,
    ).toBe(403);
    expect((await api.get('/api/admin/audit', { token: moderator.accessToken })).status).toBe(403);
    expect(
      (await api.post(`/api/admin/users/${user.user.id}/suspend`, undefined, { token: moderator.accessToken })).status,
    ).toBe(200);
    // ... but not admins.
    expect(
      (await api.post(`/api/admin/users/${admin.user.id}/suspend`, undefined, { token: moderator.accessToken })).status,
    ).toBe(403);
  });

  it('searches and paginates users', async () => {
    const tag = `pg${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) await registerUser(api, { displayName: `Page ${tag} ${i}` });
    const first = await api.get(`/api/admin/users?q=${tag}&limit=2`, { token: admin.accessToken });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(`/api/admin/users?q=${tag}&limit=2&cursor=${first.body.nextCursor}`, {
      token: admin.accessToken,
    });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const names = [...first.body.items, ...second.body.items].map((u: { displayName: string }) => u.displayName);
    expect(names).toEqual([`Page ${tag} 2`, `Page ${tag} 1`, `Page ${tag} 0`]);
    expect((await api.get('/api/admin/users?limit=500', { token: admin.accessToken })).status).toBe(400);
    expect((await api.get('/api/admin/users?cursor=%%%', { token: admin.accessToken })).status).toBe(400);
    expect((await api.get('/api/admin/users?sort=email', { token: admin.accessToken })).status).toBe(400);
  });

  it('changes roles without a new sign-in, on every gateway, and audits it', async () => {
    const user = await registerUser(api);
    expect((await api.get('/api/admin/users', { token: user.accessToken })).status).toBe(403);
    const res = await api.put(
      `/api/admin/users/${user.user.id}/roles`,
      { roles: ['moderator'] },
      { token: admin.accessToken, headers: { 'user-agent': 'AdminConsole' } },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...user.user, roles: ['user', 'moderator'], suspended: false });
    // The very next request with the old token, on the other gateway, has the new role.
    expect((await api2.get('/api/admin/users', { token: user.accessToken })).status).toBe(200);
    expect((await api2.get('/api/auth/me', { token: user.accessToken })).body.permissions).toEqual([
      'users:read',
      'users:suspend',
      'posts:moderate',
    ]);
    // Refreshing keeps it.
    const refreshed = await api.post('/api/auth/refresh', { refreshToken: user.refreshToken });
    expect(refreshed.body.user.roles).toEqual(['user', 'moderator']);

    const demote = await api.put(`/api/admin/users/${user.user.id}/roles`, { roles: [] }, { token: admin.accessToken });
    expect(demote.body.roles).toEqual(['user']);
    expect((await api.get('/api/admin/users', { token: refreshed.body.accessToken })).status).toBe(403);

    const audit = await api.get('/api/admin/audit?limit=100', { token: admin.accessToken });
    const entries = audit.body.items.filter((e: { targetId: string }) => e.targetId === user.user.id);
    expect(entries).toEqual([
      expect.objectContaining({
        actorId: admin.user.id,
        action: 'user.roles_changed',
        before: { roles: ['user', 'moderator'] },
        after: { roles: ['user'] },
      }),
      {
        id: expect.any(String),
        actorId: admin.user.id,
        action: 'user.roles_changed',
        targetId: user.user.id,
        before: { roles: ['user'] },
        after: { roles: ['user', 'moderator'] },
        ip: expect.stringMatching(/127\.0\.0\.1/),
        createdAt: expect.any(String),
      },
    ]);
  });

  it('refuses invalid role changes: unknown role, unknown fields, unknown user, bad id', async () => {
    const user = await registerUser(api);
    const put = (id: string, body: unknown) =>
      api.put(`/api/admin/users/${id}/roles`, body, { token: admin.accessToken });
    expect((await put(user.user.id, { roles: ['root'] })).status).toBe(400);
    expect((await put(user.user.id, { roles: 'admin' })).status).toBe(400);
    expect((await put(user.user.id, { roles: ['admin'], suspended: true })).status).toBe(400);
    expect((await put('00000000-0000-4000-8000-000000000000', { roles: ['admin'] })).status).toBe(404);
    expect((await put('not-a-uuid', { roles: ['admin'] })).status).toBe(400);
    expect((await api.get('/api/auth/me', { token: user.accessToken })).body.roles).toEqual(['user']);
  });

  it('answers 409 when an admin removes their own admin role', async () => {
    const res = await api.put(
      `/api/admin/users/${admin.user.id}/roles`,
      { roles: ['moderator'] },
      { token: admin.accessToken },
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('cannot_remove_own_admin');
    expect((await api.get('/api/auth/me', { token: admin.accessToken })).body.roles).toEqual(['user', 'admin']);
  });

  it('suspension revokes every session at once, refuses login with 403 account_suspended, and is audited', async () => {
    const user = await registerUser(api);
    const other = await loginUser(api2, user.email);
    const res = await api.post(`/api/admin/users/${user.user.id}/suspend`, undefined, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...user.user, suspended: true });
    for (const token of [user.accessToken, other.accessToken]) {
      expect((await api.get('/api/auth/me', { token })).status).toBe(401);
      expect((await api2.get('/api/auth/me', { token })).status).toBe(401);
    }
    expect((await api.post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(401);
    const login = await api.post('/api/auth/login', { email: user.email, password: user.password });
    expectErrorBody(login, 403, 'account_suspended');
    // A wrong password still gets the plain 401: suspension is not revealed without the password.
    expect((await api.post('/api/auth/login', { email: user.email, password: 'wrong password 123' })).status).toBe(401);

    const unsuspend = await api.post(`/api/admin/users/${user.user.id}/unsuspend`, undefined, {
      token: admin.accessToken,
    });
    expect(unsuspend.body.suspended).toBe(false);
    expect((await api.post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(200);

    const audit = await api.get('/api/admin/audit', { token: admin.accessToken });
    const actions = audit.body.items
      .filter((e: { targetId: string }) => e.targetId === user.user.id)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(['user.unsuspended', 'user.suspended']);
  });

  it('answers 409 for suspending yourself and 404 for an unknown user', async () => {
    expect(
      (await api.post(`/api/admin/users/${admin.user.id}/suspend`, undefined, { token: admin.accessToken })).status,
    ).toBe(409);
    expect(
      (
        await api.post('/api/admin/users/00000000-0000-4000-8000-000000000000/suspend', undefined, {
          token: admin.accessToken,
        })
      ).status,
    ).toBe(404);
  });

  it('lists the audit log newest first with pagination', async () => {
    const first = await api.get('/api/admin/audit?limit=1', { token: admin.accessToken });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const second = await api.get(`/api/admin/audit?limit=1&cursor=${first.body.nextCursor}`, {
      token: admin.accessToken,
    });
    expect(second.body.items).toHaveLength(1);
    expect(Date.parse(second.body.items[0].createdAt)).toBeLessThanOrEqual(Date.parse(first.body.items[0].createdAt));
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on audit entries', async () => {
    const { rows } = await db.query('SELECT id, action FROM auth.audit_log LIMIT 1');
    expect(rows).toHaveLength(1);
    await expect(db.query(`UPDATE auth.audit_log SET action = 'tampered' WHERE id = $1`, [rows[0].id])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('DELETE FROM auth.audit_log WHERE id = $1', [rows[0].id])).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE auth.audit_log')).rejects.toThrow(/append-only/);
    const after = await db.query('SELECT action FROM auth.audit_log WHERE id = $1', [rows[0].id]);
    expect(after.rows[0].action).toBe(rows[0].action);
    // Appending still works.
    await db.query(`INSERT INTO auth.audit_log (id, action) VALUES (gen_random_uuid(), 'test.append')`);
  });

  it('audits a moderator deleting someone else’s post (feed publishes post.moderated, auth records it once)', async () => {
    const author = await registerUser(api);
    const post = await api.post('/api/posts', { text: 'to be moderated' }, { token: author.accessToken });
    expect(post.status).toBe(201);
    expect((await api2.delete(`/api/posts/${post.body.id}`, { token: moderator.accessToken })).status).toBe(204);
    const entries = await waitFor(
      async () => {
        const audit = await api.get('/api/admin/audit?limit=100', { token: admin.accessToken });
        const found = audit.body.items.filter((e: { targetId: string }) => e.targetId === post.body.id);
        return found.length ? found : null;
      },
      { message: 'the post.deleted audit entry' },
    );
    expect(entries).toEqual([
      expect.objectContaining({
        actorId: moderator.user.id,
        action: 'post.deleted',
        targetId: post.body.id,
        before: { authorId: author.user.id },
      }),
    ]);
  });

  it('offers no API to change or delete audit entries', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await api.request(method, '/api/admin/audit', {}, { token: admin.accessToken });
      expect([404, 405]).toContain(res.status);
    }
  });
});
