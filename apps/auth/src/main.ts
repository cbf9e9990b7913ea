import '@plaza/tracing'; // first: it can instrument http, undici, pg and ioredis only before they load
import { loadConfigOrExit } from '@plaza/config';
import { mountSubgraph, publishSubgraph, subgraphUrl } from '@plaza/graphql';
import { bootstrap } from '@plaza/platform';
import { AppModule } from './app.module';
import { PasswordPolicyService } from './credentials/password-policy.service';
import { AuthResolver } from './graphql/auth.resolver';
import { AUTH_SDL } from './graphql/auth.schema';

const config = loadConfigOrExit();
let sdl = '';
void bootstrap({
  name: 'auth',
  module: AppModule.forRoot(config),
  config,
  port: config.AUTH_PORT,
  configure: (app) => {
    sdl = mountSubgraph(app, { name: 'auth', typeDefs: AUTH_SDL, resolvers: app.get(AuthResolver).resolvers() }).sdl;
  },
}).then((app) => {
  app.get(PasswordPolicyService).warmUp();
  return publishSubgraph(app, config, { name: 'auth', url: subgraphUrl(config, 'auth'), sdl });
});
