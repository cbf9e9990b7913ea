import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type SessionInfo } from '../api/api';
import { useMe } from '../app';
import { disablePush, enablePush, pushState } from '../push/push';
import { ErrorText, Loading, Notice, PageTitle, when } from '../ui';

export function Settings() {
  const me = useMe();
  return (
    <>
      <PageTitle>Settings</PageTitle>
      {me.data && me.data.emailVerified === false && <VerifyReminder />}
      <PushNotifications />
      <Sessions />
      <ChangePassword />
    </>
  );
}

function VerifyReminder() {
  const resend = useMutation({ mutationFn: api.auth.resendVerification });
  return (
    <section className="card" aria-labelledby="verify-h">
      <h2 id="verify-h">Confirm your email</h2>
      <p>We sent you a link when you signed up. Didn't get it?</p>
      {resend.isSuccess ? (
        <Notice>A new link is on its way.</Notice>
      ) : (
        <button onClick={() => resend.mutate()} disabled={resend.isPending}>
          Send the link again
        </button>
      )}
      <ErrorText error={resend.error} />
    </section>
  );
}

/** "Enable notifications": browser push while no Plaza tab is open (docs/push.md). */
function PushNotifications() {
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: ['push-state'], queryFn: pushState, staleTime: Infinity });
  const toggle = useMutation({
    mutationFn: (on: boolean) => (on ? enablePush() : disablePush()),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['push-state'] }),
  });
  const words = {
    unsupported: 'This browser cannot show notifications.',
    blocked: 'Notifications are blocked for Plaza. Allow them in your browser’s site settings, then come back.',
    off: 'Get a notification for new messages and activity while Plaza is closed.',
    on: 'On for this browser. You get a notification for new messages and activity while Plaza is closed.',
  };
  return (
    <section className="card" aria-labelledby="push-h">
      <h2 id="push-h">Notifications on this device</h2>
      {state.data && <p>{words[state.data]}</p>}
      {state.data === 'off' && (
        <button onClick={() => toggle.mutate(true)} disabled={toggle.isPending}>
          {toggle.isPending ? 'Turning on…' : 'Enable notifications'}
        </button>
      )}
      {state.data === 'on' && (
        <button className="secondary" onClick={() => toggle.mutate(false)} disabled={toggle.isPending}>
          Turn off notifications
        </button>
      )}
      {/* A refused permission is already said by the state line above; other failures are not. */}
      <ErrorText error={state.data === 'blocked' ? state.error : (toggle.error ?? state.error)} />
    </section>
  );
}

function device(s: SessionInfo): string {
  const ua = s.userAgent ?? '';
  const browser = /Firefox\//.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrom/.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Unknown browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

function Sessions() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ['sessions'], queryFn: api.auth.sessions });
  const revoke = useMutation({
    mutationFn: (s: SessionInfo) => (s.current ? api.auth.logout() : api.auth.revokeSession(s.id)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sessions'] }),
  });
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Where you're signed in</h2>
      {sessions.isPending && <Loading />}
      <ErrorText error={sessions.error ?? revoke.error} />
      <ul className="sessions">
        {sessions.data?.items.map((s) => (
          <li key={s.id} className="row">
            <span className="grow">
              <strong>{device(s)}</strong>
              {s.current && <span className="tag">This device</span>}
              <span className="muted block">
                {s.ip ?? 'unknown address'} · last active {when(s.lastSeenAt)} ·{' '}
                {s.persistence === 'local' ? 'kept signed in' : 'until the browser closes'}
              </span>
            </span>
            <button
              className="secondary"
              onClick={() => revoke.mutate(s)}
              disabled={revoke.isPending}
              aria-label={s.current ? 'Sign out here' : `Sign out ${device(s)}, last active ${when(s.lastSeenAt)}`}
            >
              {s.current ? 'Sign out' : 'Sign out this device'}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ChangePassword() {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => api.auth.changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    },
  });
  return (
    <section className="card" aria-labelledby="password-h">
      <h2 id="password-h">Change password</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate();
        }}
      >
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            maxLength={128}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <ErrorText error={change.error} />
        {change.isSuccess && <Notice>Password changed. Your other devices were signed out.</Notice>}
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}
