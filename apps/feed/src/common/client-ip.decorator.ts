import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { clientIp } from '@plaza/rbac';

/** The caller's IP as the gateway established it, for audit entries. */
export const ClientIp = createParamDecorator((_data: unknown, ctx: ExecutionContext): string =>
  clientIp(ctx.switchToHttp().getRequest<Parameters<typeof clientIp>[0]>()),
);
