import { type DynamicModule, Module } from '@nestjs/common';
import type { PlazaConfig } from '@plaza/config';
import { EVENTS_ENTITIES, EventsModule } from '@plaza/events';
import { DomainAppModule } from '@plaza/platform';
import { IdentityModule } from '@plaza/identity';
import { RealtimeModule } from '@plaza/realtime';
import { BlocksController } from './graph/blocks.controller';
import { BlocksRepository } from './graph/blocks.repository';
import { BlocksService } from './graph/blocks.service';
import { ConnectionRequestEntity } from './graph/connection-request.entity';
import { ConnectionRequestsRepository } from './graph/connection-requests.repository';
import { ConnectionsController } from './graph/connections.controller';
import { ConnectionsRepository } from './graph/connections.repository';
import { ConnectionsService } from './graph/connections.service';
import { FollowsController } from './graph/follows.controller';
import { FollowsRepository } from './graph/follows.repository';
import { FollowsService } from './graph/follows.service';
import { GraphEdgesService } from './graph/graph-edges.service';
import { RelationshipsRepository } from './profiles/relationships.repository';
import { SafetyGraphRepository } from './graph/safety-graph.repository';
import { SafetyGraphSync } from './graph/safety-graph.sync';
import { SuggestionsService } from './graph/suggestions.service';
import { SuggestionsController } from './graph/suggestions.controller';
import { ProfilesResolver } from './graphql/profiles.resolver';
import { migrations } from './migrations';
import { EnsureProfileInterceptor } from './profiles/ensure-profile.interceptor';
import { ProfileEntity } from './profiles/profile.entity';
import { ProfileSearchRepository } from './profiles/profile-search.repository';
import { ProfilesController } from './profiles/profiles.controller';
import { ProfilesRepository } from './profiles/profiles.repository';
import { ProfilesService } from './profiles/profiles.service';

const entities = [ProfileEntity, ConnectionRequestEntity, ...EVENTS_ENTITIES];

@Module({})
export class AppModule {
  static forRoot(config: PlazaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RealtimeModule,
        DomainAppModule.forRoot('profiles', config, { schema: 'profiles', entities, migrations }),
        IdentityModule,
        EventsModule.forApp({ app: 'profiles' }),
      ],
      controllers: [
        ProfilesController,
        SuggestionsController,
        ConnectionsController,
        FollowsController,
        BlocksController,
      ],
      providers: [
        ProfilesRepository,
        ProfileSearchRepository,
        ConnectionRequestsRepository,
        ConnectionsRepository,
        FollowsRepository,
        BlocksRepository,
        RelationshipsRepository,
        ProfilesService,
        GraphEdgesService,
        ConnectionsService,
        FollowsService,
        BlocksService,
        SafetyGraphRepository,
        SafetyGraphSync,
        SuggestionsService,
        EnsureProfileInterceptor,
        ProfilesResolver,
      ],
    };
  }
}
