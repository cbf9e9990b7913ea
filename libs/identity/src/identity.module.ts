import { Module } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { REDIS, type Redis } from '@plaza/redis';
import { AccessTokenService } from './access-token.service';
import { SessionStore } from './session.store';
import { SocketRevoker } from './socket.revoker';
import { type AuthRuntime, createAuthRuntime } from './access-verifier.factory';
import { ACCESS_VERIFIER, AuthGuard } from './auth.guard';

const AUTH_RUNTIME = Symbol('AUTH_RUNTIME');

/**
 * Import once per app (after DomainAppModule, which provides config and Redis). Provides AuthGuard
 * (use it through `@Authenticated(...permissions)`), and the session store, token service and
 * socket revoker for apps that manage sessions. Import it in each module that authenticates.
 */
@Module({
  providers: [
    {
      provide: AUTH_RUNTIME,
      inject: [PLAZA_CONFIG, REDIS],
      useFactory: (config: PlazaConfig, redis: Redis) => createAuthRuntime(config, redis),
    },
    { provide: ACCESS_VERIFIER, inject: [AUTH_RUNTIME], useFactory: (r: AuthRuntime) => r.verifier },
    { provide: SessionStore, inject: [AUTH_RUNTIME], useFactory: (r: AuthRuntime) => r.sessions },
    { provide: AccessTokenService, inject: [AUTH_RUNTIME], useFactory: (r: AuthRuntime) => r.tokens },
    { provide: SocketRevoker, inject: [AUTH_RUNTIME], useFactory: (r: AuthRuntime) => r.revoker },
    AuthGuard,
  ],
  exports: [ACCESS_VERIFIER, SessionStore, AccessTokenService, SocketRevoker, AuthGuard],
})
export class IdentityModule {}
