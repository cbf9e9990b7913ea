import { type DynamicModule, Module } from '@nestjs/common';
import { PLAZA_CONFIG, type PlazaConfig } from '@plaza/config';
import { EVENTS_ENTITIES, EventsModule } from '@plaza/events';
import { DomainAppModule } from '@plaza/platform';
import { IdentityModule } from '@plaza/identity';
import { RealtimeModule } from '@plaza/realtime';
import { PUSH_SETTINGS, pushSettings } from './common/push.settings';
import { DeliveriesRepository } from './delivery/deliveries.repository';
import { FcmTokenProvider } from './delivery/fcm-token.provider';
import { FcmSender } from './delivery/fcm.sender';
import { PresenceReader } from './delivery/presence.reader';
import { PushDispatcher } from './delivery/push-dispatcher.service';
import { PushEventsHandler } from './delivery/push-events.handler';
import { PushHttpClient } from './delivery/push-http.client';
import { PushMetrics } from './delivery/push.metrics';
import { WebPushSender } from './delivery/web-push.sender';
import { GraphEventsHandler } from './graph/graph-events.handler';
import { GraphRepository } from './graph/graph.repository';
import { migrations } from './migrations';
import { SubscriptionsController, VapidKeyController } from './subscriptions/subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions/subscriptions.repository';
import { SubscriptionsService } from './subscriptions/subscriptions.service';

/**
 * Offline reach: push subscriptions and the delivery of pushes to users with no open socket. A
 * process of its own, fed only by the durable event streams, so a slow or hanging push service
 * can never slow the message path or sign-ins.
 */
@Module({})
export class AppModule {
  static forRoot(config: PlazaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RealtimeModule,
        DomainAppModule.forRoot('push', config, { schema: 'push', entities: [...EVENTS_ENTITIES], migrations }),
        IdentityModule,
        // Push publishes nothing: no outbox relay to run.
        EventsModule.forApp({ app: 'push', relay: false }),
      ],
      controllers: [VapidKeyController, SubscriptionsController],
      providers: [
        { provide: PUSH_SETTINGS, inject: [PLAZA_CONFIG], useFactory: pushSettings },
        SubscriptionsRepository,
        SubscriptionsService,
        GraphRepository,
        GraphEventsHandler,
        DeliveriesRepository,
        PushEventsHandler,
        PresenceReader,
        PushHttpClient,
        WebPushSender,
        FcmTokenProvider,
        FcmSender,
        PushMetrics,
        PushDispatcher,
      ],
    };
  }
}
