import { type DynamicModule, Module } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { EVENTS_ENTITIES, EventsModule } from '@plaza/events';
import { DomainAppModule } from '@plaza/platform';
import { IdentityModule } from '@plaza/identity';
import { RealtimeModule } from '@plaza/realtime';
import { FEED_SETTINGS, feedSettings } from './common/feed.config';
import { GraphEventsHandler } from './graph/graph-events.handler';
import { GraphRepository } from './graph/graph.repository';
import { UsersRepository } from './graph/users.repository';
import { FeedResolver } from './graphql/feed.resolver';
import { migrations } from './migrations';
import { NotificationEventsHandler } from './notifications/notification-events.handler';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsRepository } from './notifications/notifications.repository';
import { NotificationsService } from './notifications/notifications.service';
import { PostsController } from './posts/posts.controller';
import { PostsRepository } from './posts/posts.repository';
import { PostsService } from './posts/posts.service';
import { UserPostsController } from './posts/user-posts.controller';
import { FanOutHandler } from './timeline/fan-out.handler';
import { TimelineUpkeepHandler } from './timeline/timeline-upkeep.handler';
import { FeedController } from './timeline/feed.controller';
import { TimelineCache } from './timeline/timeline.cache';
import { TimelineService } from './timeline/timeline.service';

@Module({})
export class AppModule {
  static forRoot(config: PlazaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DomainAppModule.forRoot('feed', config, { schema: 'feed', entities: [...EVENTS_ENTITIES], migrations }),
        IdentityModule,
        RealtimeModule,
        EventsModule.forApp({ app: 'feed' }),
      ],
      controllers: [PostsController, UserPostsController, FeedController, NotificationsController],
      providers: [
        { provide: FEED_SETTINGS, inject: [PLAZA_CONFIG], useFactory: feedSettings },
        GraphRepository,
        UsersRepository,
        PostsRepository,
        NotificationsRepository,
        TimelineCache,
        PostsService,
        TimelineService,
        NotificationsService,
        // Before TimelineUpkeepHandler: handlers of one event run in this order, and the timeline
        // upkeep decides from the graph read model as the event left it.
        GraphEventsHandler,
        TimelineUpkeepHandler,
        FanOutHandler,
        NotificationEventsHandler,
        FeedResolver,
      ],
    };
  }
}
