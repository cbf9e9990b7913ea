import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { clientIp, type IpRequest } from './client-ip.util';

/** What a domain app records about the caller on sessions and audit entries. */
export interface ClientContext {
  /** The IP the gateway established (see `clientIp`). */
  ip: string;
  /** The `User-Agent` header, at most 512 characters; null when absent or empty. */
  userAgent: string | null;
}

const requestOf = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<IpRequest>();

/** The caller's IP as the gateway established it (`clientIp`). */
export const ClientIp = createParamDecorator((_data: unknown, ctx: ExecutionContext): string =>
  clientIp(requestOf(ctx)),
);

/** The caller's IP and user agent of a request (what `@Client()` hands a handler). */
export function clientContext(req: IpRequest): ClientContext {
  const ua = req.headers['user-agent'];
  const userAgent = (Array.isArray(ua) ? ua[0] : ua)?.slice(0, 512) || null;
  return { ip: clientIp(req), userAgent };
}

/** The caller's IP and user agent (`ClientContext`). */
export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientContext =>
  clientContext(requestOf(ctx)),
);
