import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, type AdminUser, type Role } from '../api/api';
import { useMe } from '../app';
import { ErrorText, Loading, PageTitle, when } from '../ui';

const ROLES = ['moderator', 'admin'] as const;

function AdminTabs() {
  const me = useMe();
  const can = (p: string) => me.data?.permissions?.includes(p) ?? false;
  return (
    <nav aria-label="Admin" className="row tabs">
      {can('users:read') && <Link href="/admin">Users</Link>}
      {can('audit:read') && <Link href="/admin/audit">Audit log</Link>}
    </nav>
  );
}

export function AdminUsers() {
  const me = useMe();
  const [draft, setDraft] = useState('');
  const [text, setText] = useState('');
  const users = useQuery({
    queryKey: ['admin', 'users', text],
    queryFn: () => api.admin.users(text),
    enabled: me.data?.permissions?.includes('users:read') ?? false,
  });
  return (
    <>
      <PageTitle>Users</PageTitle>
      <AdminTabs />
      <form
        role="search"
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setText(draft.trim());
        }}
      >
        <label className="grow">
          <span className="sr-only">Find users by email, handle or name</span>
          <input
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Email, handle or name"
          />
        </label>
        <button type="submit">Find</button>
      </form>
      {users.isPending && users.fetchStatus !== 'idle' && <Loading />}
      <ErrorText error={users.error} />
      <table className="admin">
        <caption className="sr-only">Users</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Roles</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.items.map((u) => (
            <UserRow
              key={`${u.id}:${u.roles.join()}`}
              user={u}
              canManage={me.data?.permissions?.includes('roles:manage') ?? false}
              canSuspend={me.data?.permissions?.includes('users:suspend') ?? false}
            />
          ))}
        </tbody>
      </table>
    </>
  );
}

function UserRow({ user, canManage, canSuspend }: { user: AdminUser; canManage: boolean; canSuspend: boolean }) {
  const queryClient = useQueryClient();
  const done = () => queryClient.invalidateQueries({ queryKey: ['admin'] });
  // Shown at once (a checkbox must follow the click), put back if the server refuses.
  const [shown, setShown] = useState(user.roles);
  const roles = useMutation({
    mutationFn: (next: Role[]) => api.admin.setRoles(user.id, next),
    onError: () => setShown(user.roles),
    onSuccess: done,
  });
  const suspend = useMutation({
    mutationFn: () => (user.suspended ? api.admin.unsuspend(user.id) : api.admin.suspend(user.id)),
    onSuccess: done,
  });
  return (
    <tr>
      <td>
        <strong>{user.displayName}</strong> <span className="muted">@{user.handle}</span>
        <span className="muted block">{user.email}</span>
      </td>
      <td>
        <fieldset className="row" disabled={!canManage || roles.isPending}>
          <legend className="sr-only">Roles of {user.displayName}</legend>
          {ROLES.map((role) => (
            <label key={role} className="check">
              <input
                type="checkbox"
                checked={shown.includes(role)}
                onChange={(e) => {
                  const next = e.target.checked ? [...new Set([...shown, role])] : shown.filter((r) => r !== role);
                  setShown(next);
                  roles.mutate(next);
                }}
                aria-label={`${role} role for ${user.displayName}`}
              />{' '}
              {role}
            </label>
          ))}
        </fieldset>
        <ErrorText error={roles.error} />
      </td>
      <td>
        {user.suspended ? <span className="tag danger">Suspended</span> : 'Active'}{' '}
        {canSuspend && (
          <button className="secondary" onClick={() => suspend.mutate()} disabled={suspend.isPending}>
            {user.suspended ? 'Lift suspension' : 'Suspend'}
          </button>
        )}
        <ErrorText error={suspend.error} />
      </td>
    </tr>
  );
}

export function AdminAudit() {
  const audit = useQuery({ queryKey: ['admin', 'audit'], queryFn: api.admin.audit });
  const users = useQuery({ queryKey: ['admin', 'users', ''], queryFn: () => api.admin.users() });
  const who = (id: string | null) => {
    const u = users.data?.items.find((x) => x.id === id);
    return u ? `@${u.handle}` : (id?.slice(0, 8) ?? 'system');
  };
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <AdminTabs />
      {audit.isPending && <Loading />}
      <ErrorText error={audit.error} />
      <table className="admin">
        <caption className="sr-only">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Target</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {audit.data?.items.map((a) => (
            <tr key={a.id}>
              <td>{when(a.createdAt)}</td>
              <td>{who(a.actorId)}</td>
              <td>{a.action}</td>
              <td>{who(a.targetId)}</td>
              <td>
                <code>{JSON.stringify(a.before)}</code> → <code>{JSON.stringify(a.after)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
