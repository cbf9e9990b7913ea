import '@plaza/tracing'; // first: it can instrument http, undici, pg and ioredis only before they load
import { loadConfigOrExit } from '@plaza/config';
import { bootstrap } from '@plaza/http';
import { AppModule } from './app.module';
import { PasswordPolicyService } from './auth/password-policy.service';

const config = loadConfigOrExit();
void bootstrap({ name: 'auth', module: AppModule.forRoot(config), config, port: config.AUTH_PORT }).then((app) =>
  app.get(PasswordPolicyService).warmUp(),
);
