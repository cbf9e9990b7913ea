import { Inject, Injectable, Logger } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import type { Role } from '@plaza/identity';
import { AdminService } from '../admin/admin.service';
import type { UserEntity } from '../users/user.entity';

/**
 * ADMIN_EMAILS (contract): the `admin` role goes to a listed address only once its owner proved
 * it by opening a verification link; registering the address alone gives nothing. Applied when
 * the email is verified and at each sign-in (so an address added to the list later applies too);
 * the role change is audited (no actor) and rewritten into live sessions, so the user's next
 * request has it.
 */
@Injectable()
export class AdminEmailsService {
  private readonly logger = new Logger(AdminEmailsService.name);

  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    private readonly admin: AdminService,
  ) {}

  listed(email: string | null): boolean {
    return !!email && this.config.ADMIN_EMAILS.some((e) => e.toLowerCase() === email);
  }

  /** Returns the user's roles after applying the rule. */
  async apply(user: UserEntity): Promise<string[]> {
    if (!user.emailVerified || !this.listed(user.email) || user.roles.includes('admin') || user.oidcIssuer)
      return user.roles;
    const updated = await this.admin.setRoles({ principal: null, ip: null }, user.id, [
      ...(user.roles as Role[]),
      'admin',
    ]);
    this.logger.log(`granted admin to user ${user.id} (ADMIN_EMAILS, verified email)`);
    return updated.roles;
  }
}
