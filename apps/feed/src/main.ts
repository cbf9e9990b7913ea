import '@plaza/tracing'; // first: it can instrument http, undici, pg and ioredis only before they load
import { loadConfigOrExit } from '@plaza/config';
import { mountSubgraph, publishSubgraph, subgraphUrl } from '@plaza/graphql';
import { bootstrap } from '@plaza/platform';
import { AppModule } from './app.module';
import { FeedResolver } from './graphql/feed.resolver';
import { FEED_SDL } from './graphql/feed.schema';

const config = loadConfigOrExit();
let sdl = '';
void bootstrap({
  name: 'feed',
  module: AppModule.forRoot(config),
  config,
  port: config.FEED_PORT,
  configure: (app) => {
    sdl = mountSubgraph(app, { name: 'feed', typeDefs: FEED_SDL, resolvers: app.get(FeedResolver).resolvers() }).sdl;
  },
}).then((app) => publishSubgraph(app, config, { name: 'feed', url: subgraphUrl(config, 'feed'), sdl }));
