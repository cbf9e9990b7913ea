import { type DynamicModule, Module } from '@nestjs/common';
import type { PlazaConfig } from '@plaza/config';
import { DomainAppModule } from '@plaza/http';
import { migrations } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: PlazaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [DomainAppModule.forRoot('feed', config, { schema: 'feed', entities: [], migrations })],
    };
  }
}
