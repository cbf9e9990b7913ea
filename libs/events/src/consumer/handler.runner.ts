import type { DataSource, EntityManager } from 'typeorm';
import type { DomainEvent, EventName } from '../event-catalogue';
import { inEventSpan } from '../event-tracing';
import type { EventsMetrics } from '../events.metrics';
import { toError } from './stream-replies';

/**
 * Runs inside the transaction that also records the event as processed: do the app's writes
 * with `manager` so they commit (or roll back) together with that record.
 */
export type EventHandler<N extends EventName = EventName> = (
  event: DomainEvent<N>,
  manager: EntityManager,
) => Promise<void> | void;

/** Handlers by event name; several handlers of one event run in order in one transaction. */
export type HandlerRegistry = ReadonlyMap<string, ReadonlyArray<{ label: string; fn: EventHandler<never> }>>;

export type Outcome = 'processed' | 'duplicate';

/** Thrown inside the handler transaction to roll it back when another delivery won the race. */
class AlreadyProcessed extends Error {}

/**
 * Runs the handlers of a slice of events in ONE transaction with a savepoint per event: one
 * commit for many events, while a failing event rolls back alone and is retried alone. Each event
 * is recorded in `<schema>.processed_events` in its own savepoint, so a redelivery (relay
 * re-send, claim after a crash) is recognised and changes nothing.
 */
export class HandlerRunner {
  private readonly processedTable: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly group: string,
    private readonly handlers: HandlerRegistry,
    private readonly metrics?: EventsMetrics,
  ) {
    this.processedTable = `"${schema}".processed_events`;
  }

  get table(): string {
    return this.processedTable;
  }

  /**
   * Outcome per stream entry id. Throws when the transaction itself failed (commit, connection):
   * then none of the slice happened.
   */
  async run(items: Array<{ id: string; event: DomainEvent }>): Promise<Map<string, Outcome | Error>> {
    const outcomes = new Map<string, Outcome | Error>();
    // Alone in its transaction an event needs no savepoint: its failure rolls the transaction back.
    const single = items.length === 1;
    try {
      await this.dataSource.transaction(async (manager) => {
        const seen = await this.alreadyProcessed(
          manager,
          items.map((i) => i.event.id),
        );
        for (const { id, event } of items) {
          if (seen.has(event.id)) {
            outcomes.set(id, 'duplicate');
            continue;
          }
          const started = performance.now();
          if (!single) await manager.query('SAVEPOINT plaza_event');
          try {
            await this.handle(event, manager);
            if (!single) await manager.query('RELEASE SAVEPOINT plaza_event');
            outcomes.set(id, 'processed');
            seen.add(event.id);
            this.metrics?.handlerSeconds.observe(
              { group: this.group, event: event.name },
              (performance.now() - started) / 1000,
            );
          } catch (err) {
            if (single) throw err;
            await manager.query('ROLLBACK TO SAVEPOINT plaza_event');
            outcomes.set(id, err instanceof AlreadyProcessed ? 'duplicate' : toError(err));
          }
        }
      });
    } catch (err) {
      if (!single) throw err;
      outcomes.set(items[0].id, err instanceof AlreadyProcessed ? 'duplicate' : toError(err));
    }
    return outcomes;
  }

  private async alreadyProcessed(manager: EntityManager, eventIds: string[]): Promise<Set<string>> {
    const rows = await manager.query<Array<{ event_id: string }>>(
      `SELECT event_id FROM ${this.processedTable} WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])`,
      [this.group, eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  private async handle(event: DomainEvent, manager: EntityManager): Promise<void> {
    await inEventSpan(event, this.group, async () => {
      for (const handler of this.handlers.get(event.name) ?? []) await handler.fn(event as never, manager);
    });
    // Last, so that a slow handler holds no lock a concurrent delivery of the same event would wait on.
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO ${this.processedTable} (consumer_group, event_id, event_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [this.group, event.id, event.name],
    );
    // Another delivery committed it meanwhile: undo this one's writes.
    if (!inserted.length) throw new AlreadyProcessed();
  }
}
