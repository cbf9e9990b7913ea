import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import type { DomainEvent, EventName } from './event-catalogue';

export const ON_DOMAIN_EVENT = 'plaza:events:on-domain-event';

/**
 * Marks a provider method as the handler of an event for this app's consumer group; the events
 * module finds it at start. The method runs in the transaction that records the event as
 * processed: write through `manager` and the effects happen exactly once.
 *
 *   @OnDomainEvent('post.created')
 *   async fanOut(event: DomainEvent<'post.created'>, manager: EntityManager) { ... }
 */
export function OnDomainEvent<N extends EventName>(name: N) {
  return <M extends (event: DomainEvent<N>, manager: EntityManager) => Promise<void> | void>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const method = descriptor.value as object;
    const names = (Reflect.getMetadata(ON_DOMAIN_EVENT, method) as EventName[] | undefined) ?? [];
    Reflect.defineMetadata(ON_DOMAIN_EVENT, [...names, name], method);
  };
}

export function domainEventsOf(method: unknown): EventName[] {
  return typeof method === 'function'
    ? ((Reflect.getMetadata(ON_DOMAIN_EVENT, method) as EventName[] | undefined) ?? [])
    : [];
}
