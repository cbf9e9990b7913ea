import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { join } from 'node:path';
import { CLIENT_EVENT_NAMES, DURABLE_EVENT_NAMES, EPHEMERAL_EVENT_NAMES, EVENT_FIELDS } from './realtime-events';

interface Schema {
  properties?: Record<string, unknown>;
  required?: string[];
}
interface Message {
  name: string;
  payload: Schema;
}

const doc = JSON.parse(readFileSync(join(__dirname, '..', 'asyncapi.json'), 'utf8')) as {
  asyncapi: string;
  components: { messages: Record<string, Message> };
  operations: Record<string, { action: 'send' | 'receive'; channel: { $ref: string } }>;
  channels: Record<string, { address: string }>;
};

const messages = Object.entries(doc.components.messages);
const serverMessage = (name: string) => messages.find(([key, m]) => !key.startsWith('client_') && m.name === name)?.[1];
const clientMessage = (name: string) => messages.find(([key, m]) => key.startsWith('client_') && m.name === name)?.[1];
const fields = (schema: Schema) => Object.keys(schema.properties ?? {}).sort();

describe('the committed AsyncAPI document matches the typed event map', () => {
  it('passes @asyncapi/parser with no error and no warning', async () => {
    const { document, diagnostics } = await new Parser().parse(
      readFileSync(join(__dirname, '..', 'asyncapi.json'), 'utf8'),
    );
    // Severity 0 is an error, 1 a warning (Spectral's scale).
    const problems = diagnostics
      .filter((d) => Number(d.severity) <= 1)
      .map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);
    expect(problems).toEqual([]);
    expect(document?.channels().all().length).toBeGreaterThan(0);
  });

  it('is AsyncAPI 3', () => {
    expect(doc.asyncapi).toMatch(/^3\./);
  });

  it.each(DURABLE_EVENT_NAMES)('describes durable %s with every payload field plus eventId, all required', (name) => {
    const message = serverMessage(name);
    expect(message).toBeDefined();
    const expected = [...EVENT_FIELDS[name], 'eventId'].sort();
    expect(fields(message!.payload)).toEqual(expected);
    expect([...(message!.payload.required ?? [])].sort()).toEqual(expected);
  });

  it.each(EPHEMERAL_EVENT_NAMES)('describes ephemeral %s without an eventId', (name) => {
    const message = serverMessage(name);
    expect(message).toBeDefined();
    expect(fields(message!.payload)).toEqual([...EVENT_FIELDS[name]].sort());
  });

  it.each(CLIENT_EVENT_NAMES)('describes client command %s and its ack', (name) => {
    const message = clientMessage(name);
    expect(message).toBeDefined();
    const key = name === 'message:read' ? 'message:read (client)' : name;
    expect(fields(message!.payload)).toEqual([...EVENT_FIELDS[key]].sort());
    expect(clientMessage(`${name} ack`)).toBeDefined();
  });

  it('describes no event the server does not have', () => {
    const known = new Set<string>([...DURABLE_EVENT_NAMES, ...EPHEMERAL_EVENT_NAMES, ...CLIENT_EVENT_NAMES]);
    const described = Object.values(doc.channels).map((c) => c.address);
    expect(described.filter((a) => !known.has(a))).toEqual([]);
    expect(new Set(described)).toEqual(known);
  });
});
