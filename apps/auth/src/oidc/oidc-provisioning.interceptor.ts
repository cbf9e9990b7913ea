import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Principal } from '@plaza/identity';
import { from, type Observable, switchMap } from 'rxjs';
import { OidcProvisioningService } from './oidc-provisioning.service';

/** Runs after AuthGuard: an OIDC caller gets their auth record before the handler reads it. */
@Injectable()
export class OidcProvisioningInterceptor implements NestInterceptor {
  constructor(private readonly provisioning: OidcProvisioningService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (user?.kind !== 'oidc') return next.handle();
    return from(this.provisioning.ensure(user)).pipe(switchMap(() => next.handle()));
  }
}
