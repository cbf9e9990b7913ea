import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { clientIp, DomainError, type IpRequest } from '@plaza/platform';

/**
 * The throttler guard with Plaza's client IP (the gateway's header, never X-Forwarded-For) and
 * the contract's 429: `code: "rate_limited"` and a `Retry-After` header in seconds.
 */
@Injectable()
export class PlazaThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return clientIp(req as unknown as IpRequest);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    throw new DomainError('rate_limited', 'Too many requests, retry later', {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}
