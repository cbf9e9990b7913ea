import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './session.types';

/** The Principal AuthGuard established for this request. Only on guarded routes. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ user?: Principal }>();
  if (!req.user) throw new Error('@CurrentUser() used on a route without AuthGuard');
  return req.user;
});
