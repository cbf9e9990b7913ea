import { Injectable, Logger } from '@nestjs/common';
import { OutboxService } from '@plaza/events';
import { normalizeRoles, type Principal } from '@plaza/identity';
import { DataSource } from 'typeorm';
import { UserRepository } from '../users/user.repository';
import { UserDirectorySync } from '../users/user-directory.sync';

/**
 * Provisions the auth record of an external OIDC user the first time the auth app sees their
 * token (any /api/auth or /api/admin request; clients call GET /api/auth/me after signing in).
 * The user id is derived from issuer + subject (`oidcUserId`), so other apps and the gateway
 * already know it without this record. An email already used by a Plaza account is not taken
 * over: the OIDC user is then provisioned without one.
 */
@Injectable()
export class OidcProvisioningService {
  private readonly logger = new Logger('OidcProvisioning');
  private readonly known = new Set<string>();

  async ensure(principal: Principal): Promise<void> {
    if (principal.kind !== 'oidc' || !principal.oidc || this.known.has(principal.userId)) return;
    const { issuer, subject, email } = principal.oidc;
    const existing = await this.users.findById(undefined, principal.userId);
    if (!existing) {
      const taken = email ? await this.users.findByEmail(email) : null;
      const now = new Date();
      const user = {
        id: principal.userId,
        email: taken ? null : email,
        handle: `u_${principal.userId.replace(/-/g, '').slice(0, 16)}`,
        displayName: (email?.split('@')[0] ?? 'Member').slice(0, 80) || 'Member',
        passwordHash: null,
        roles: normalizeRoles(principal.roles),
        // The provider vouches for its own users; Plaza never mails them a link.
        emailVerified: false,
        suspended: false,
        oidcIssuer: issuer,
        oidcSubject: subject,
        createdAt: now,
        updatedAt: now,
      };
      await this.dataSource.transaction(async (manager) => {
        if (!(await this.users.insertIfAbsent(manager, user))) return;
        // No email from the provider: the event carries an empty one (the payload requires a string).
        await this.outbox.publish(manager, 'user.registered', {
          userId: user.id,
          email: user.email ?? '',
          handle: user.handle,
          displayName: user.displayName,
        });
        this.logger.log(`provisioned OIDC user ${principal.userId}`);
      });
      await this.directory.put(user);
    }
    this.known.add(principal.userId);
  }

  constructor(
    private readonly users: UserRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly directory: UserDirectorySync,
  ) {}
}
