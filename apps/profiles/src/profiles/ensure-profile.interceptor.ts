import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Principal } from '@plaza/identity';
import { from, type Observable, switchMap } from 'rxjs';
import { ProfilesService } from './profiles.service';

/** Runs after the auth guard: the caller has a profile before any use case looks for it. */
@Injectable()
export class EnsureProfileInterceptor implements NestInterceptor {
  constructor(private readonly profiles: ProfilesService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user) return next.handle();
    return from(this.profiles.ensureProfile(user)).pipe(switchMap(() => next.handle()));
  }
}
