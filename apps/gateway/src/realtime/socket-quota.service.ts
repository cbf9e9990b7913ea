import { Inject, Injectable } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { REDIS, type Redis } from '@plaza/redis';

/** Open sockets of a user per gateway instance: `{ <instanceId>: count }`. */
export const socketCountKey = (userId: string): string => `rt:sockets:${userId}`;

// Takes a slot only while the user's sockets over every instance are under the limit: atomic, so
// concurrent handshakes on several gateways cannot overshoot.
const ACQUIRE_LUA = `
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], 604800)
return 1`;

const RELEASE_LUA = `
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return n`;

/**
 * SOCKETS_PER_USER over all gateways (contract): each instance counts its sockets per user in
 * one Redis hash; a dead instance's counts are dropped by whoever reaps it (PresenceService).
 */
@Injectable()
export class SocketQuotaService {
  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async acquire(userId: string, instanceId: string): Promise<boolean> {
    const ok = await this.redis.eval(ACQUIRE_LUA, 1, socketCountKey(userId), instanceId, this.config.SOCKETS_PER_USER);
    return Number(ok) === 1;
  }

  async release(userId: string, instanceId: string): Promise<void> {
    await this.redis.eval(RELEASE_LUA, 1, socketCountKey(userId), instanceId);
  }
}
