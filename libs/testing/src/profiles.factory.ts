import Redis from 'ioredis';
import { registerUser, type RegisterOverrides } from './auth.factory';
import type { ApiClient } from './http-client';
import { waitFor } from './wait';

/** A registered user as the profiles tests need one: id, token and the handle their profile has. */
export interface Member {
  id: string;
  token: string;
  handle: string;
  displayName: string;
  email: string;
}

/**
 * Registers a user and waits until their profile exists with the registered handle (the profiles
 * app creates it from the auth app's `user.registered` event).
 */
export async function registerMember(api: ApiClient, overrides: RegisterOverrides = {}): Promise<Member> {
  const registered = await registerUser(api, overrides);
  const token = registered.accessToken;
  const profile = await waitFor(
    async () => {
      const res = await api.get<{ handle: string; displayName: string }>(`/api/profiles/${registered.user.handle}`, {
        token,
      });
      return res.status === 200 ? res.body : null;
    },
    { timeoutMs: 15_000, message: `profile of ${registered.user.handle}` },
  );
  return {
    id: registered.user.id,
    token,
    handle: profile.handle,
    displayName: profile.displayName,
    email: registered.email,
  };
}

export interface StreamEvent {
  streamId: string;
  id: string;
  name: string;
  payload: Record<string, unknown>;
}

/** Every entry of a domain-event stream (`plaza:events:<app>`), decoded, oldest first. */
export async function readEventStream(redisUrl: string, stream: string): Promise<StreamEvent[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const entries = await redis.xrange(stream, '-', '+');
    return entries.map(([streamId, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      return { streamId, id: f.id, name: f.name, payload: JSON.parse(f.payload ?? '{}') as Record<string, unknown> };
    });
  } finally {
    redis.disconnect();
  }
}
