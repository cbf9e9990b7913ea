import { type DomainEvent, isEventName } from './event-catalogue';
import { takeTraceContext } from './event-tracing';

/** Flat XADD field list; the payload stays JSON so that entries are readable with redis-cli. */
export function encodeEvent(event: DomainEvent): string[] {
  return [
    'id',
    event.id,
    'name',
    event.name,
    'v',
    String(event.version),
    'source',
    event.source,
    'at',
    event.occurredAt,
    'payload',
    JSON.stringify(event.payload),
  ];
}

export function fieldsToRecord(fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

/** Throws on anything malformed: such an entry can never succeed and goes to the dead letters. */
export function decodeEvent(fields: readonly string[]): DomainEvent {
  const f = fieldsToRecord(fields);
  if (!f.id || !f.name || !f.payload) throw new Error('malformed entry: id, name and payload are required');
  if (!isEventName(f.name)) throw new Error(`unknown event name "${f.name}"`);
  const payload = JSON.parse(f.payload) as DomainEvent['payload'];
  const trace = takeTraceContext(payload);
  return {
    id: f.id,
    name: f.name,
    version: Number(f.v ?? 1),
    source: f.source ?? '',
    occurredAt: f.at ?? '',
    payload,
    ...(trace && { trace }),
  };
}
