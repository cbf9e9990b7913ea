import { type DynamicModule, type ExecutionContext, Module, SetMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerOptions } from '@nestjs/throttler';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { REDIS, type Redis } from '@plaza/redis';
import { PlazaThrottlerGuard } from './plaza-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const RATE_LIMIT_KEY = 'plaza:rate-limit';

/** Opts a route into a named throttler given to `RateLimitModule.forRoot()` (e.g. `login`). */
export const RateLimit = (...names: string[]) => SetMetadata(RATE_LIMIT_KEY, names);

/** True when the route opted into this named throttler; named throttlers skip every other route. */
export function rateLimitApplies(context: ExecutionContext, name: string): boolean {
  const names = Reflect.getMetadata(RATE_LIMIT_KEY, context.getHandler()) as string[] | undefined;
  return names?.includes(name) ?? false;
}

/**
 * Redis-backed named rate limits that apply only to routes marked `@RateLimit(name)` (login,
 * register). The overall API_RATE_LIMIT is the gateway's, per user, in front of every app.
 */
@Module({})
export class RateLimitModule {
  static forRoot(named: (config: PlazaConfig) => ThrottlerOptions[] = () => []): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject: [PLAZA_CONFIG, REDIS],
          useFactory: (config: PlazaConfig, redis: Redis) => ({
            storage: new RedisThrottlerStorage(redis),
            throttlers: [
              ...named(config).map((t) => ({
                ...t,
                // A named throttler's Retry-After comes from our 429 body, not `Retry-After-<name>`.
                setHeaders: false,
                skipIf: (ctx: ExecutionContext) => !rateLimitApplies(ctx, t.name ?? ''),
              })),
            ],
          }),
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: PlazaThrottlerGuard }],
    };
  }
}
