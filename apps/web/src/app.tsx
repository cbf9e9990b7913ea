import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { api, session } from './api/api';
import { startLive, stopLive } from './live/live';
import { AdminAudit, AdminUsers } from './pages/admin';
import { ForgotPassword, ResetPassword, SignIn, SignUp, VerifyEmail } from './pages/auth';
import { Feed } from './pages/feed';
import { Conversations } from './pages/messages';
import { Notifications } from './pages/notifications';
import { Network, ProfilePage, Search } from './pages/people';
import { Settings } from './pages/settings';
import { forgetPush, renewPush } from './push/push';
import { useLive } from './ui';

function useSignedIn(): boolean {
  return useSyncExternalStore(session.subscribe, session.signedIn);
}

/** The signed-in user with roles and permissions (`GET /api/auth/me`). */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: api.auth.me, staleTime: 60_000 });
}

export function App() {
  const signedIn = useSignedIn();
  const queryClient = useQueryClient();
  const live = useLive();
  const [signedOutBecause, setSignedOutBecause] = useState<string | null>(null);

  useEffect(() => {
    if (signedIn) {
      setSignedOutBecause(null);
      startLive(queryClient);
      renewPush().catch(() => undefined);
      return;
    }
    stopLive();
    // However the session ended (signed out here or elsewhere, expired), this browser stops
    // receiving its pushes.
    void forgetPush();
    queryClient.clear();
  }, [signedIn, queryClient]);
  useEffect(() => {
    if (live.revoked) setSignedOutBecause('You were signed out of this device. Sign in again to continue.');
  }, [live.revoked]);

  return (
    <Switch>
      <Route path="/verify-email" component={VerifyEmail} />
      <Route path="/reset-password" component={ResetPassword} />
      <Route path="/forgot-password" component={ForgotPassword} />
      <Route path="/signin">{signedIn ? <Redirect to="/" /> : <SignIn notice={signedOutBecause} />}</Route>
      <Route path="/signup">{signedIn ? <Redirect to="/" /> : <SignUp />}</Route>
      <Route>{signedIn ? <Shell /> : <Redirect to="/signin" />}</Route>
    </Switch>
  );
}

function Shell() {
  const me = useMe();
  const [location] = useLocation();
  const notifications = useQuery({ queryKey: ['notifications'], queryFn: api.notifications.list });
  const unread = notifications.data?.unreadCount ?? 0;
  const permissions = me.data?.permissions ?? [];
  const canAdmin = permissions.includes('users:read') || permissions.includes('audit:read');
  const nav: [string, string, number?][] = [
    ['/', 'Home'],
    ['/search', 'Search'],
    ['/network', 'Network'],
    ['/messages', 'Messages'],
    ['/notifications', 'Notifications', unread],
    ['/settings', 'Settings'],
  ];
  if (canAdmin) nav.push(['/admin', 'Admin']);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          Plaza
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map(([href, label, badge]) => (
              <li key={href}>
                <Link
                  href={href}
                  aria-current={(href === '/' ? location === '/' : location.startsWith(href)) ? 'page' : undefined}
                >
                  {label}
                  {badge ? (
                    <span className="badge" aria-label={`${badge} unread`}>
                      {badge}
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {me.data && (
          <Link href={`/u/${me.data.handle}`} className="me">
            {me.data.displayName}
          </Link>
        )}
      </header>
      <StatusBanner />
      <main id="main">
        <Switch>
          <Route path="/" component={Feed} />
          <Route path="/search" component={Search} />
          <Route path="/network" component={Network} />
          <Route path="/u/:handle" component={ProfilePage} />
          <Route path="/messages/:id?" component={Conversations} />
          {/* The paths push notifications carry (docs/push.md). */}
          <Route path="/conversations/:id">{(p) => <Redirect to={`/messages/${p.id}`} replace />}</Route>
          <Route path="/notifications" component={Notifications} />
          <Route path="/settings" component={Settings} />
          <Route path="/admin">{canAdmin ? <AdminUsers /> : <NotAllowed />}</Route>
          <Route path="/admin/audit">{canAdmin ? <AdminAudit /> : <NotAllowed />}</Route>
          <Route>
            <h1>Page not found</h1>
            <Link href="/">Go home</Link>
          </Route>
        </Switch>
      </main>
    </>
  );
}

function NotAllowed() {
  return <h1>You don't have access to this page</h1>;
}

/** Says in words when live updates are not flowing. */
function StatusBanner() {
  const { status } = useLive();
  const text =
    status === 'offline'
      ? 'You are offline. New messages and posts will appear when your connection is back.'
      : status === 'reconnecting'
        ? 'Reconnecting… live updates are paused.'
        : null;
  return (
    <div className={`status ${text ? 'shown' : ''}`} role="status" aria-live="polite">
      {text}
    </div>
  );
}
