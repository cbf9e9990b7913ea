import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type ClientContext, DomainError, ipBucket } from '@plaza/platform';
import {
  AccessTokenService,
  normalizeRoles,
  permissionsFor,
  type Principal,
  type SessionRecord,
  SessionStore,
} from '@plaza/identity';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { OutboxService } from '@plaza/events';
import { DataSource, QueryFailedError } from 'typeorm';
import type { UserEntity } from '../users/user.entity';
import { UserRepository } from '../users/user.repository';
import { UserDirectorySync } from '../users/user-directory.sync';
import { authUserView } from '../users/user.view';
import type { AuthResultDto, MeDto } from './dto/auth-result.dto';
import type { LoginDto } from './dto/login.dto';
import type { RegisterDto } from './dto/register.dto';
import type { SessionListDto } from './dto/session-list.dto';
import { AccountService } from '../accounts/account.service';
import { AdminEmailsService } from '../accounts/admin-emails.service';
import { AttemptLimiter } from '../common/attempt-limiter.service';
import { CaptchaService } from './captcha.service';
import { PasswordPolicyService } from '../credentials/password-policy.service';
import { PasswordService } from '../credentials/password.service';

const badCredentials = (): DomainError =>
  new DomainError('unauthorized', 'Invalid email or password', { reason: 'invalid_credentials' });

/** Windows of the login limits (contract: LOGIN_ACCOUNT_RATE_LIMIT per hour, LOGIN_IP_RATE_LIMIT per 15 min). */
const ACCOUNT_WINDOW_SECONDS = 3600;
const IP_WINDOW_SECONDS = 900;

@Injectable()
export class AuthService {
  constructor(
    @Inject(PLAZA_CONFIG) private readonly config: PlazaConfig,
    private readonly users: UserRepository,
    private readonly passwords: PasswordService,
    private readonly captcha: CaptchaService,
    private readonly sessions: SessionStore,
    private readonly tokens: AccessTokenService,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly directory: UserDirectorySync,
    private readonly policy: PasswordPolicyService,
    private readonly accounts: AccountService,
    private readonly adminEmails: AdminEmailsService,
    private readonly limiter: AttemptLimiter,
  ) {}

  async register(dto: RegisterDto, client: ClientContext): Promise<AuthResultDto> {
    await this.captcha.verify('register', dto.captchaToken, client.ip);
    this.policy.assertStrong(dto.password, [dto.email, dto.handle, dto.displayName]);
    const now = new Date();
    const user: UserEntity = {
      id: randomUUID(),
      email: dto.email,
      handle: dto.handle,
      displayName: dto.displayName,
      passwordHash: await this.passwords.hash(dto.password),
      // ADMIN_EMAILS applies once the address is verified (AdminEmailsService), never here.
      roles: normalizeRoles([]),
      emailVerified: false,
      suspended: false,
      oidcIssuer: null,
      oidcSubject: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      // The user and its `user.registered` event commit together (profiles, feed and messaging build on it).
      await this.dataSource.transaction(async (manager) => {
        await this.users.insert(manager, user);
        await this.outbox.publish(manager, 'user.registered', {
          userId: user.id,
          email: dto.email,
          handle: user.handle,
          displayName: user.displayName,
        });
        await this.accounts.issue(manager, user, 'verify_email');
      });
    } catch (err) {
      throw uniqueViolation(err) ?? err;
    }
    // Before the answer: every app knows the user from now on (consistency rule).
    await this.directory.put(user);
    return this.startSession(user, dto.rememberMe ?? false, client);
  }

  async login(dto: LoginDto, client: ClientContext): Promise<AuthResultDto> {
    // Decided here, where the password is checked (the (IP, email) limit is the route's throttler):
    // every attempt from one IP bucket, and the failures of one account from all IPs together.
    // Past either, every attempt answers 429, right password or not, before any password work.
    await this.limiter.hit(`login:ip:${ipBucket(client.ip)}`, this.config.LOGIN_IP_RATE_LIMIT, IP_WINDOW_SECONDS);
    const failures = `login:fail:${dto.email}`;
    await this.limiter.assertBelow(failures, this.config.LOGIN_ACCOUNT_RATE_LIMIT);
    await this.captcha.verify('login', dto.captchaToken, client.ip);
    const found = await this.users.findByEmail(dto.email);
    // Unknown email and wrong password take the same path (one argon2 verify) and get the same answer.
    const ok = await this.passwords.verify(found?.passwordHash, dto.password);
    if (!found || !ok) {
      await this.limiter.record(failures, ACCOUNT_WINDOW_SECONDS);
      throw badCredentials();
    }
    // Only a caller who knows the password learns that the account is suspended.
    if (found.suspended)
      throw new DomainError('forbidden', 'This account is suspended', { reason: 'account_suspended' });
    const user = { ...found, roles: await this.adminEmails.apply(found) };
    return this.startSession(user, dto.rememberMe ?? false, client);
  }

  async refresh(refreshToken: string): Promise<AuthResultDto> {
    const outcome = await this.sessions.rotate(refreshToken);
    if (outcome.status === 'reused') {
      throw new DomainError('unauthorized', 'Refresh token already used: the session has been revoked', {
        reason: 'refresh_token_reused',
      });
    }
    if (outcome.status === 'invalid') throw new DomainError('unauthorized', 'Invalid or expired refresh token');
    const user = await this.users.findById(undefined, outcome.session.userId);
    if (!user || user.suspended) {
      await this.sessions.revoke(outcome.session.id);
      throw new DomainError('unauthorized', 'Invalid or expired refresh token');
    }
    return this.result(user, outcome.session, outcome.refreshToken);
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.sessionId) await this.sessions.revoke(principal.sessionId);
  }

  async me(principal: Principal): Promise<MeDto> {
    const user = await this.users.findById(undefined, principal.userId);
    if (!user) throw new DomainError('not_found', 'User not found');
    // The live session's roles: the same as the stored ones, or the provider's for OIDC users.
    return { ...authUserView(user, principal.roles), permissions: principal.permissions };
  }

  async listSessions(principal: Principal): Promise<SessionListDto> {
    const sessions = await this.sessions.listForUser(principal.userId);
    return {
      items: sessions.map((s) => ({
        id: s.id,
        current: s.id === principal.sessionId,
        persistence: s.persistence,
        createdAt: new Date(s.createdAt).toISOString(),
        lastSeenAt: new Date(s.lastSeenAt).toISOString(),
        expiresAt: new Date(s.expiresAt).toISOString(),
        userAgent: s.userAgent,
        ip: s.ip,
      })),
    };
  }

  async revokeSession(principal: Principal, sessionId: string): Promise<void> {
    const session = await this.sessions.get(sessionId);
    // Someone else's session answers exactly like a missing one.
    if (!session || session.userId !== principal.userId) throw new DomainError('not_found', 'Session not found');
    await this.sessions.revoke(sessionId);
  }

  private async startSession(user: UserEntity, rememberMe: boolean, client: ClientContext): Promise<AuthResultDto> {
    const roles = normalizeRoles(user.roles);
    const { session, refreshToken } = await this.sessions.create({
      userId: user.id,
      roles,
      permissions: permissionsFor(roles),
      persistence: rememberMe ? 'local' : 'session',
      ttlSeconds: rememberMe ? this.config.SESSION_REMEMBER_TTL_SECONDS : this.config.SESSION_TTL_SECONDS,
      userAgent: client.userAgent,
      ip: client.ip,
    });
    return this.result(user, session, refreshToken);
  }

  private async result(user: UserEntity, session: SessionRecord, refreshToken: string): Promise<AuthResultDto> {
    const { token, expiresIn } = await this.tokens.sign(user.id, session.id);
    return {
      user: authUserView(user, session.roles),
      accessToken: token,
      refreshToken,
      expiresIn,
      session: {
        id: session.id,
        persistence: session.persistence,
        expiresAt: new Date(session.expiresAt).toISOString(),
      },
    };
  }
}

/** Maps the unique indexes of auth.users to the contract's 409. */
function uniqueViolation(err: unknown): DomainError | null {
  if (!(err instanceof QueryFailedError)) return null;
  const driver = err.driverError as { code?: string; constraint?: string };
  if (driver.code !== '23505') return null;
  if (driver.constraint === 'users_email_key')
    return new DomainError('conflict', 'This email is already registered', { reason: 'email_taken' });
  if (driver.constraint === 'users_handle_key')
    return new DomainError('conflict', 'This handle is already taken', { reason: 'handle_taken' });
  return new DomainError('conflict', 'This account already exists');
}
