import '@plaza/tracing'; // first: it can instrument http, undici, pg and ioredis only before they load
import { loadConfigOrExit } from '@plaza/config';
import { bootstrap } from '@plaza/platform';
import { AppModule } from './app.module';

const config = loadConfigOrExit();
void bootstrap({ name: 'push', module: AppModule.forRoot(config), config, port: config.PUSH_PORT });
