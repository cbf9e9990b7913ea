import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { clientIp } from '@plaza/rbac';

export interface ClientContext {
  ip: string;
  userAgent: string | null;
}

/** Client IP (from the gateway's header) and user agent, as recorded on sessions and audit entries. */
export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientContext => {
  const req = ctx.switchToHttp().getRequest<Parameters<typeof clientIp>[0]>();
  const ua = req.headers['user-agent'];
  const userAgent = (Array.isArray(ua) ? ua[0] : ua)?.slice(0, 512) || null;
  return { ip: clientIp(req), userAgent };
});
