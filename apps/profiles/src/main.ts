import { loadConfigOrExit } from '@plaza/config';
import { bootstrap } from '@plaza/http';
import { AppModule } from './app.module';

const config = loadConfigOrExit();
void bootstrap({ name: 'profiles', module: AppModule.forRoot(config), config, port: config.PROFILES_PORT });
