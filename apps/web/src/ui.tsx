import { useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { Link } from 'wouter';
import { describeError, type AuthorRef } from './api/api';
import { liveStore } from './live/live';

/** The page's heading; takes focus when the page opens so screen readers announce it. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const text = ref.current?.textContent;
    if (text) document.title = `${text} · Plaza`;
    ref.current?.focus({ preventScroll: true });
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** An error in words, announced to assistive technology. */
export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {describeError(error)}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="notice">
      {children}
    </p>
  );
}

export function useLive() {
  return useSyncExternalStore(liveStore.subscribe, liveStore.get);
}

/** Initials with a presence dot when presence is known. */
export function Avatar({ user, showPresence = false }: { user: AuthorRef; showPresence?: boolean }) {
  const live = useLive();
  const online = live.presence[user.id];
  const initials = user.displayName
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <span className="avatar" aria-hidden={!showPresence}>
      {initials}
      {showPresence && online !== undefined && (
        <span
          className={`dot ${online ? 'on' : 'off'}`}
          role="img"
          aria-label={online ? `${user.displayName} is online` : `${user.displayName} is offline`}
        />
      )}
    </span>
  );
}

export function UserLink({ user }: { user: AuthorRef }) {
  return <Link href={`/u/${user.handle}`}>{user.displayName}</Link>;
}

export function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function Loading() {
  return <p aria-busy="true">Loading…</p>;
}
