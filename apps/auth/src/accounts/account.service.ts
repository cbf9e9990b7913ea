import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ipBucket } from '@plaza/platform';
import { type Principal, SessionStore } from '@plaza/identity';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { OutboxService } from '@plaza/events';
import { DataSource, type EntityManager } from 'typeorm';
import { PasswordPolicyService } from '../credentials/password-policy.service';
import { PasswordService } from '../credentials/password.service';
import { AttemptLimiter } from '../common/attempt-limiter.service';
import type { UserEntity } from '../users/user.entity';
import { UserRepository } from '../users/user.repository';
import { hashAccountToken, newAccountToken, TokenSealer } from './account-token.codec';
import { AccountTokenRepository, type TokenPurpose } from './account-token.repository';
import { AdminEmailsService } from './admin-emails.service';

/** Lifetimes of the links (contract: a reset link is valid 30 min). */
export const TOKEN_TTL_SECONDS: Record<TokenPurpose, number> = {
  verify_email: 24 * 3600,
  reset_password: 30 * 60,
};

/** Per-email and per-IP limits of forgot-password, per-user limit of verification resends. */
export const ACCOUNT_MAIL_LIMITS = {
  forgotPerEmail: { limit: 5, windowSeconds: 3600 },
  forgotPerIp: { limit: 20, windowSeconds: 900 },
  resendPerUser: { limit: 5, windowSeconds: 3600 },
} as const;

const invalidToken = () =>
  new DomainError('bad_request', 'This link is invalid, expired or already used', { reason: 'invalid_token' });

/**
 * Email verification, password reset and password change (contract: Auth, "v2 accounts").
 * Tokens are 256-bit random, stored as SHA-256 hashes, single use and expiring; the mail carrying
 * one is requested through the outbox in the transaction that issues it.
 */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);
  private readonly sealer: TokenSealer;

  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly tokens: AccountTokenRepository,
    private readonly outbox: OutboxService,
    private readonly passwords: PasswordService,
    private readonly policy: PasswordPolicyService,
    private readonly sessions: SessionStore,
    private readonly limiter: AttemptLimiter,
    private readonly adminEmails: AdminEmailsService,
  ) {
    this.sealer = new TokenSealer(config.JWT_SECRET!);
  }

  /** Issues a token and requests its email, inside the caller's transaction. */
  async issue(manager: EntityManager, user: Pick<UserEntity, 'id' | 'email' | 'displayName'>, purpose: TokenPurpose) {
    if (!user.email) return;
    const token = newAccountToken();
    await this.tokens.insert(manager, {
      hash: hashAccountToken(token),
      userId: user.id,
      purpose,
      email: user.email,
      expiresAt: new Date(Date.now() + TOKEN_TTL_SECONDS[purpose] * 1000),
    });
    await this.outbox.publish(manager, 'mail.requested', {
      template: purpose,
      to: user.email,
      displayName: user.displayName,
      sealedToken: this.sealer.seal(token),
    });
  }

  async verifyEmail(token: string): Promise<void> {
    const user = await this.dataSource.transaction(async (manager) => {
      const spent = await this.tokens.spend(manager, hashAccountToken(token), 'verify_email');
      if (!spent) throw invalidToken();
      const current = await this.users.findByIdForUpdate(manager, spent.userId);
      // The address changed since the link was sent: the link proves nothing about the new one.
      if (!current || current.email !== spent.email) throw invalidToken();
      if (!current.emailVerified) await this.users.update(manager, current.id, { emailVerified: true });
      return { ...current, emailVerified: true };
    });
    await this.adminEmails.apply(user);
  }

  async resendVerification(principal: Principal): Promise<void> {
    const user = await this.users.findById(undefined, principal.userId);
    if (!user) throw new DomainError('not_found', 'User not found');
    const { limit, windowSeconds } = ACCOUNT_MAIL_LIMITS.resendPerUser;
    await this.limiter.hit(`verify-resend:${user.id}`, limit, windowSeconds);
    if (user.emailVerified || !user.email || user.oidcIssuer) return;
    await this.dataSource.transaction((manager) => this.issue(manager, user, 'verify_email'));
  }

  /**
   * Always answers the same way, in the same time: the limits are checked first (they depend only
   * on the request), then the lookup and the mail request run after the answer has gone.
   */
  async forgotPassword(email: string, ip: string): Promise<void> {
    const perEmail = ACCOUNT_MAIL_LIMITS.forgotPerEmail;
    const perIp = ACCOUNT_MAIL_LIMITS.forgotPerIp;
    await this.limiter.hit(`forgot:ip:${ipBucket(ip)}`, perIp.limit, perIp.windowSeconds);
    await this.limiter.hit(`forgot:email:${email}`, perEmail.limit, perEmail.windowSeconds);
    void this.sendReset(email).catch((err: Error) =>
      this.logger.error(`password reset request failed: ${err.message}`),
    );
  }

  private async sendReset(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    // Users of an identity provider have no Plaza password to reset.
    if (!user || user.oidcIssuer || user.suspended) return;
    await this.dataSource.transaction((manager) => this.issue(manager, user, 'reset_password'));
  }

  /** Sets the new password and revokes every session of the user (their sockets are disconnected). */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const userId = await this.dataSource.transaction(async (manager) => {
      const spent = await this.tokens.spend(manager, hashAccountToken(token), 'reset_password');
      if (!spent) throw invalidToken();
      const user = await this.users.findByIdForUpdate(manager, spent.userId);
      if (!user || user.email !== spent.email) throw invalidToken();
      // A weak password rolls the transaction back: the link still works for a better one.
      this.policy.assertStrong(newPassword, [user.email, user.handle, user.displayName]);
      const passwordHash = await this.passwords.hash(newPassword);
      // Opening the link proved the address too.
      await this.users.update(manager, user.id, { passwordHash, emailVerified: true });
      await this.tokens.spendAll(manager, user.id, 'reset_password');
      return user.id;
    });
    await this.sessions.revokeAllForUser(userId);
  }

  /** Keeps the caller's session, revokes every other one (and disconnects their sockets). */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findById(undefined, principal.userId);
    const failures = `login:fail:${user?.email ?? principal.userId}`;
    await this.limiter.assertBelow(failures, this.config.LOGIN_ACCOUNT_RATE_LIMIT);
    const ok = await this.passwords.verify(user?.passwordHash, currentPassword);
    if (!user || !ok) {
      await this.limiter.record(failures, 3600);
      throw new DomainError('forbidden', 'The current password is wrong', { reason: 'invalid_credentials' });
    }
    this.policy.assertStrong(newPassword, [user.email, user.handle, user.displayName]);
    const passwordHash = await this.passwords.hash(newPassword);
    await this.dataSource.transaction(async (manager) => {
      await this.users.update(manager, user.id, { passwordHash });
      await this.tokens.spendAll(manager, user.id, 'reset_password');
    });
    await this.sessions.revokeAllForUser(user.id, { except: principal.sessionId });
  }
}
