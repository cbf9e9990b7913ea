import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type Redis } from '@plaza/redis';
import { sessionKey } from '@plaza/identity';

/**
 * Which sessions are still signed in. Subscriptions made with a session end with it: rather than
 * a revocation event (auth publishes none, and expiry publishes nothing either), the push app
 * looks the session up where auth keeps it (Redis) before delivering and prunes what ended.
 */
@Injectable()
export class SessionLiveness {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** The subset of `sessionIds` that no longer exist (signed out, revoked or expired). */
  async ended(sessionIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(sessionIds)];
    if (!unique.length) return new Set();
    const pipeline = this.redis.pipeline();
    for (const sid of unique) pipeline.exists(sessionKey(sid));
    const results = (await pipeline.exec()) ?? [];
    const ended = new Set<string>();
    unique.forEach((sid, i) => {
      const [err, exists] = results[i] ?? [];
      // A failed lookup proves nothing: keep the subscription.
      if (!err && Number(exists) === 0) ended.add(sid);
    });
    return ended;
  }
}
