import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { PlazaConfig } from '@plaza/config';
import { EVENTS_ENTITIES, EventsModule } from '@plaza/events';
import { clientIp, DomainAppModule, ipBucket, type IpRequest } from '@plaza/platform';
import { IdentityModule } from '@plaza/identity';
import { RateLimitModule } from '@plaza/rate-limit';
import { AccountController } from './accounts/account.controller';
import { AccountService } from './accounts/account.service';
import { AccountTokenRepository } from './accounts/account-token.repository';
import { AdminEmailsService } from './accounts/admin-emails.service';
import { AdminController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { AuditEntryEntity } from './audit/audit-entry.entity';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { ModerationEventsHandler } from './audit/moderation-events.handler';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { CaptchaService } from './auth/captcha.service';
import { PasswordPolicyService } from './credentials/password-policy.service';
import { PasswordService } from './credentials/password.service';
import { AttemptLimiter } from './common/attempt-limiter.service';
import { MailEventsHandler } from './mail/mail-events.handler';
import { MailerService } from './mail/mailer.service';
import { migrations } from './migrations';
import { OidcProvisioningInterceptor } from './oidc/oidc-provisioning.interceptor';
import { OidcProvisioningService } from './oidc/oidc-provisioning.service';
import { UserEntity } from './users/user.entity';
import { UserRepository } from './users/user.repository';
import { AuthResolver } from './graphql/auth.resolver';
import { UserDirectorySync } from './users/user-directory.sync';
import { RealtimeModule } from '@plaza/realtime';

type Req = IpRequest & { body?: { email?: unknown } };

/** Login attempts count per (client IP, email), so one attacker cannot lock everyone's login. */
function loginTracker(req: Req): string {
  const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase().slice(0, 254) : '';
  return `${ipBucket(clientIp(req))}|${email}`;
}

@Module({})
export class AppModule {
  /** `background: false` (the CLI) leaves the outbox relay and event consumers to the running app. */
  static forRoot(config: PlazaConfig, { background = true }: { background?: boolean } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RealtimeModule,
        DomainAppModule.forRoot('auth', config, {
          schema: 'auth',
          entities: [UserEntity, AuditEntryEntity, ...EVENTS_ENTITIES],
          migrations,
        }),
        EventsModule.forApp({ app: 'auth', relay: background, consume: background }),
        IdentityModule,
        RateLimitModule.forRoot((c) => [
          { name: 'login', ttl: 60_000, limit: c.LOGIN_RATE_LIMIT, getTracker: (req) => loginTracker(req as Req) },
          {
            name: 'register',
            ttl: 3_600_000,
            limit: c.REGISTER_RATE_LIMIT,
            getTracker: (req) => ipBucket(clientIp(req as Req)),
          },
        ]),
      ],
      controllers: [AuthController, AccountController, AdminController],
      providers: [
        UserRepository,
        AuditRepository,
        AuditService,
        PasswordService,
        CaptchaService,
        AuthService,
        AdminService,
        OidcProvisioningService,
        ModerationEventsHandler,
        PasswordPolicyService,
        AttemptLimiter,
        AccountTokenRepository,
        AccountService,
        AdminEmailsService,
        MailerService,
        MailEventsHandler,
        AuthResolver,
        UserDirectorySync,
        { provide: APP_INTERCEPTOR, useClass: OidcProvisioningInterceptor },
      ],
    };
  }
}
