import '@plaza/tracing'; // first: it can instrument http, undici, pg and ioredis only before they load
import { loadConfigOrExit } from '@plaza/config';
import { mountSubgraph, publishSubgraph, subgraphUrl } from '@plaza/graphql';
import { bootstrap } from '@plaza/platform';
import { AppModule } from './app.module';
import { ProfilesResolver } from './graphql/profiles.resolver';
import { PROFILES_SDL } from './graphql/profiles.schema';
import { ProfilesService } from './profiles/profiles.service';

const config = loadConfigOrExit();
let sdl = '';
void bootstrap({
  name: 'profiles',
  module: AppModule.forRoot(config),
  config,
  port: config.PROFILES_PORT,
  configure: (app) => {
    const profiles = app.get(ProfilesService);
    sdl = mountSubgraph(app, {
      name: 'profiles',
      typeDefs: PROFILES_SDL,
      resolvers: app.get(ProfilesResolver).resolvers(),
      // As REST's EnsureProfileInterceptor: the caller has a profile before any use case looks for it.
      onPrincipal: (principal) => profiles.ensureProfile(principal),
    }).sdl;
  },
}).then((app) => publishSubgraph(app, config, { name: 'profiles', url: subgraphUrl(config, 'profiles'), sdl }));
