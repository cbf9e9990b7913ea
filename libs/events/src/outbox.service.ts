import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, type EventName, type EventPayload } from './event-catalogue';
import { activeTraceContext, TRACE_KEY } from './event-tracing';

export interface OutboxTarget {
  app: string;
  schema: string;
}

/**
 * Writes events into the app's outbox inside the caller's transaction, so an event exists if
 * and only if the change that caused it committed.
 */
export class OutboxService {
  private readonly table: string;

  constructor(private readonly target: OutboxTarget) {
    this.table = `"${target.schema}".outbox_events`;
  }

  /** `manager` must be the one of the transaction making the change; returns the event id. */
  async publish<N extends EventName>(manager: EntityManager, name: N, payload: EventPayload<N>): Promise<string> {
    const [id] = await this.publishMany(manager, [{ name, payload } as OutboxMessage]);
    return id;
  }

  async publishMany(manager: EntityManager, events: ReadonlyArray<OutboxMessage>): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(
        'outbox.publish needs the EntityManager of an open transaction (dataSource.transaction(m => ...))',
      );
    }
    if (!events.length) return [];
    const params: unknown[] = [];
    const rows: string[] = [];
    const ids: string[] = [];
    // Consumers continue the publishing request's trace (see event-tracing.ts).
    const trace = activeTraceContext();
    for (const event of events) {
      const definition = EVENT_CATALOGUE[event.name];
      if (definition.source !== this.target.app) {
        throw new Error(`${event.name} is published by ${definition.source}, not ${this.target.app}`);
      }
      const id = randomUUID();
      ids.push(id);
      const n = params.length;
      rows.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}::jsonb)`);
      params.push(
        id,
        event.name,
        definition.version,
        JSON.stringify(trace ? { ...event.payload, [TRACE_KEY]: trace } : event.payload),
      );
    }
    await manager.query(`INSERT INTO ${this.table} (id, name, version, payload) VALUES ${rows.join(', ')}`, params);
    return ids;
  }
}

/** One event of `publishMany`; the union keeps name and payload paired. */
export type OutboxMessage = { [N in EventName]: { name: N; payload: EventPayload<N> } }[EventName];
