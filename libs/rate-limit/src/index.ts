/**
 * Per-route request limits for the domain apps, counted in Redis so every instance shares them,
 * keyed by the client IP that `@plaza/platform` resolves.
 */
export { PlazaThrottlerGuard } from './plaza-throttler.guard';
export { RateLimit, rateLimitApplies, RateLimitModule } from './rate-limit.module';
export { RedisThrottlerStorage } from './redis-throttler.storage';
