import '@plaza/tracing'; // first: it can instrument http, undici, pg and ioredis only before they load
import { loadConfigOrExit } from '@plaza/config';
import { mountSubgraph, publishSubgraph, subgraphUrl } from '@plaza/graphql';
import { bootstrap } from '@plaza/platform';
import { AppModule } from './app.module';
import { MessagingResolver } from './graphql/messaging.resolver';
import { MESSAGING_SDL } from './graphql/messaging.schema';

const config = loadConfigOrExit();
let sdl = '';
void bootstrap({
  name: 'messaging',
  module: AppModule.forRoot(config),
  config,
  port: config.MESSAGING_PORT,
  configure: (app) => {
    sdl = mountSubgraph(app, {
      name: 'messaging',
      typeDefs: MESSAGING_SDL,
      resolvers: app.get(MessagingResolver).resolvers(),
    }).sdl;
  },
}).then((app) => publishSubgraph(app, config, { name: 'messaging', url: subgraphUrl(config, 'messaging'), sdl }));
