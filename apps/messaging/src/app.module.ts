import { type DynamicModule, Module } from '@nestjs/common';
import type { PlazaConfig } from '@plaza/config';
import { EVENTS_ENTITIES, EventsModule } from '@plaza/events';
import { DomainAppModule } from '@plaza/platform';
import { IdentityModule } from '@plaza/identity';
import { RealtimeModule } from '@plaza/realtime';
import { MessageCommandsController } from './commands/message-commands.controller';
import { MessageCommandsService } from './commands/message-commands.service';
import { ConversationMembersSync } from './conversations/conversation-members.sync';
import { ConversationSafety } from './conversations/conversation-safety.service';
import { ConversationsController } from './conversations/conversations.controller';
import { ConversationsRepository } from './conversations/conversations.repository';
import { ConversationsService } from './conversations/conversations.service';
import { MessageDeliveryService } from './delivery/message-delivery.service';
import { GraphEventsHandler } from './graph/graph-events.handler';
import { GraphReadModelRepository } from './graph/graph-read-model.repository';
import { MessageBatcher } from './messages/message-batcher.service';
import { MessagesController } from './messages/messages.controller';
import { MessagesRepository } from './messages/messages.repository';
import { MessagesService } from './messages/messages.service';
import { migrations } from './migrations';
import { MessagingResolver } from './graphql/messaging.resolver';

@Module({})
export class AppModule {
  static forRoot(config: PlazaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DomainAppModule.forRoot('messaging', config, {
          schema: 'messaging',
          entities: [...EVENTS_ENTITIES],
          migrations,
        }),
        IdentityModule,
        EventsModule.forApp({ app: 'messaging' }),
        RealtimeModule,
      ],
      controllers: [ConversationsController, MessagesController, MessageCommandsController],
      providers: [
        GraphReadModelRepository,
        GraphEventsHandler,
        ConversationsRepository,
        ConversationsService,
        ConversationMembersSync,
        ConversationSafety,
        MessagesRepository,
        MessagesService,
        MessageDeliveryService,
        MessagingResolver,
        MessageBatcher,
        MessageCommandsService,
      ],
    };
  }
}
