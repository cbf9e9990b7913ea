import { api, ApiError, session } from '../api/api';

/**
 * Browser push notifications (docs/push.md): the service worker `/sw.js` shows them; this module
 * subscribes the browser with the server's VAPID key and registers the subscription with
 * `POST /api/push/subscriptions`. The server ties a subscription to the session that registered
 * it and ends it when that session ends; the browser's own subscription is dropped here on sign-out.
 */

export type PushState = 'unsupported' | 'blocked' | 'off' | 'on';

/** A push step that failed, in words a person understands. */
export class PushError extends Error {}

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** Registers the service worker once per page load (it also shows pushes while no tab is open). */
export function registerServiceWorker(): void {
  if (!pushSupported()) return;
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register('/sw.js');
  return navigator.serviceWorker.ready;
}

/** Where this browser stands: `on` only with a browser subscription registered by this session. */
export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  const subscription = await (await registration()).pushManager.getSubscription();
  return subscription && registered()?.sessionId === session.id() ? 'on' : 'off';
}

/** Plaza's id of this browser's subscription, its endpoint and the session that registered it. */
interface Registered {
  id: string;
  endpoint: string;
  sessionId: string | null;
}
const KEY = 'plaza.push';
function registered(): Registered | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') as Registered | null;
  } catch {
    return null;
  }
}

/** Registers `subscription` with Plaza (the same endpoint again answers the same id) and remembers it. */
async function register(subscription: PushSubscription): Promise<void> {
  const { endpoint, expirationTime, keys } = subscription.toJSON();
  const { id } = await api.push.subscribe({
    endpoint,
    expirationTime: expirationTime ?? null,
    keys: { p256dh: keys?.p256dh ?? '', auth: keys?.auth ?? '' },
  });
  const record: Registered = { id, endpoint: subscription.endpoint, sessionId: session.id() };
  localStorage.setItem(KEY, JSON.stringify(record));
}

/**
 * At start, signed in: the browser may have rotated the subscription since it was registered
 * ("pushsubscriptionchange", which the service worker cannot answer without a token). Registers
 * the new endpoint; does nothing (no request) when it is unchanged or push is off.
 */
export async function renewPush(): Promise<void> {
  const mine = registered();
  if (!mine || mine.sessionId !== session.id() || !pushSupported()) return;
  const reg = await navigator.serviceWorker.getRegistration();
  const subscription = await reg?.pushManager.getSubscription();
  if (subscription && subscription.endpoint !== mine.endpoint) await register(subscription);
}

/**
 * Asks for permission, subscribes the browser and registers the subscription with Plaza.
 * @throws PushError with the reason in words (blocked, not offered by the server, no push service).
 */
export async function enablePush(): Promise<void> {
  if (!pushSupported()) throw new PushError('This browser cannot show notifications.');
  if ((await Notification.requestPermission()) !== 'granted')
    throw new PushError('Notifications are blocked for Plaza. Allow them in your browser’s site settings.');
  let publicKey: string;
  try {
    publicKey = (await api.push.vapidPublicKey()).publicKey;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'push_unavailable')
      throw new PushError('This Plaza server does not send push notifications.');
    throw err;
  }
  const reg = await registration();
  let subscription: PushSubscription;
  try {
    subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
  } catch {
    throw new PushError(
      'This browser could not reach its push service, so notifications cannot be turned on here. Check your connection or try another browser.',
    );
  }
  try {
    await register(subscription);
  } catch (err) {
    // Plaza refused it (e.g. a push service it does not allow): leave nothing half done.
    await subscription.unsubscribe().catch(() => false);
    if (err instanceof ApiError && err.code === 'endpoint_not_allowed')
      throw new PushError('Plaza does not accept this browser’s push service.');
    throw err;
  }
}

/** Turns push off for this browser: Plaza forgets the subscription, and so does the browser. */
export async function disablePush(): Promise<void> {
  const mine = registered();
  if (mine) {
    try {
      await api.push.unsubscribe(mine.id);
    } catch (err) {
      // Already gone (its session ended, or the push service reported it expired).
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
  }
  await forgetPush();
}

/**
 * Drops the browser's subscription without calling Plaza: on sign-out the server has already
 * ended the subscriptions of that session.
 */
export async function forgetPush(): Promise<void> {
  localStorage.removeItem(KEY);
  if (!pushSupported()) return;
  const reg = await navigator.serviceWorker.getRegistration();
  const subscription = await reg?.pushManager.getSubscription();
  await subscription?.unsubscribe().catch(() => false);
}
