export {
  type DomainEvent,
  EVENT_CATALOGUE,
  type EventDefinition,
  type EventName,
  type EventPayload,
  type EventPayloads,
  type EventSource,
  isEventName,
} from './event-catalogue';
export { decodeEvent, encodeEvent } from './event-codec';
export { type ConsumerOptions, EventConsumer, type EventHandler } from './event-consumer.service';
export { createEventsMigration, outboxChannel } from './events.migration';
export { EventsMetrics, type OutboxStats, type StreamGroupStats } from './events.metrics';
export { EventsModule, type EventsModuleConfig } from './events.module';
export { EVENTS_OPTIONS, type EventsModuleOptions, type EventsOptions, resolveEventsOptions } from './events.options';
export { EVENTS_REDIS, EVENTS_REDIS_READER } from './events.tokens';
export { OnDomainEvent } from './on-domain-event.decorator';
export { OutboxEventEntity } from './outbox-event.entity';
export { OutboxRelay, type RelayOptions } from './outbox-relay.service';
export { type OutboxMessage, OutboxService, type OutboxTarget } from './outbox.service';
export { ProcessedEventEntity } from './processed-event.entity';
export { deadLetterKey, errorsKey, streamKey } from './stream-keys';

import { OutboxEventEntity } from './outbox-event.entity';
import { ProcessedEventEntity } from './processed-event.entity';

/** Add to the app's TypeORM entities (next to `createEventsMigration(schema)` in its migrations). */
export const EVENTS_ENTITIES = [OutboxEventEntity, ProcessedEventEntity];
