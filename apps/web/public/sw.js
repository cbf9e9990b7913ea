/**
 * The web client's service worker (served at /sw.js, scope /): shows Plaza's Web Push messages
 * and opens the right page when one is clicked. Plain JavaScript copied as is by Vite (`public/`),
 * because a service worker's URL must stay stable across builds.
 *
 * A push carries `{type, eventId, title, body, url}` (docs/push.md); `url` is a path of this
 * client (`/conversations/<id>`, `/notifications`). The socket replay remains the source of truth:
 * the page catches up by itself once opened.
 */
/* eslint-env serviceworker */

self.addEventListener('install', () => self.skipWaiting());
// Control the open tabs at once, so a click can reuse one of them.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** Only paths of this origin: a push never navigates anywhere else. */
function samePath(url) {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? url : '/';
}

self.addEventListener('push', (event) => {
  let push;
  try {
    push = event.data ? event.data.json() : null;
  } catch {
    push = null;
  }
  const title = (push && push.title) || 'Plaza';
  const url = samePath(push && push.url);
  event.waitUntil(
    self.registration.showNotification(title, {
      body: (push && push.body) || 'You have something new.',
      // One visible notification per conversation (or for all notifications), renewed by the next.
      tag: url,
      renotify: true,
      data: { url, eventId: push && push.eventId },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = samePath(event.notification.data && event.notification.data.url);
  event.waitUntil(openPage(url));
});

/** Focuses an open Plaza tab on `url`, or opens one. */
async function openPage(url) {
  const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const tab of tabs) {
    try {
      // navigate() needs a tab this worker controls (see clients.claim above).
      const navigated = await tab.navigate(url);
      if (navigated) return navigated.focus();
    } catch {
      // Not controlled yet, or gone: open a new one below.
    }
  }
  return self.clients.openWindow(url);
}

// A rotated subscription ("pushsubscriptionchange") is registered again by the page at its next
// start (registering needs the access token, which only the page holds): `renewPush` in
// src/push/push.ts.
