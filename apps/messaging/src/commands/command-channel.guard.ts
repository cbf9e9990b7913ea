import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { DomainError } from '@plaza/platform';
import { COMMAND_CHANNEL_HEADER, commandChannelKey, isCommandChannelKey } from '@plaza/realtime';

/**
 * The command channel trusts the user ids it is given, so only a Plaza gateway may call it: the
 * request must carry the key derived from JWT_SECRET (see `commandChannelKey`). 401 otherwise.
 */
@Injectable()
export class CommandChannelGuard implements CanActivate {
  private readonly key: string;

  constructor(@Inject(PLAZA_CONFIG) config: PlazaConfig) {
    // Apps refuse to boot without JWT_SECRET (the access verifier needs it), so this is set.
    this.key = commandChannelKey(config.JWT_SECRET ?? '');
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    if (!isCommandChannelKey(req.headers[COMMAND_CHANNEL_HEADER], this.key)) {
      throw new DomainError('unauthorized', 'Not a Plaza gateway');
    }
    return true;
  }
}
