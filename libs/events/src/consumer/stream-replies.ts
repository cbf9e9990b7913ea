/** One stream entry as Redis returns it: fields are `null` when the entry was trimmed away. */
export type Entry = [id: string, fields: string[] | null];

export function eventNameOf(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'name') return fields[i + 1];
  return '';
}

/** XREADGROUP's reply: RESP2 gives [[stream, entries], ...]; RESP3 (ioredis 6's default) a map, flattened to [stream, entries, ...]. */
export function streamsOf(reply: unknown): Array<[string, Entry[]]> {
  if (!Array.isArray(reply) || !reply.length) return [];
  if (Array.isArray(reply[0])) return reply as Array<[string, Entry[]]>;
  const out: Array<[string, Entry[]]> = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), reply[i + 1] as Entry[]]);
  return out;
}

export function pairsToRecord(pairs: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) record[String(pairs[i])] = pairs[i + 1];
  return record;
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A warning at most every 2 s: a dead Redis must not flood the log from every loop. */
export class ThrottledWarning {
  private last = 0;
  constructor(private readonly emit: (message: string) => void) {}

  warn(message: string): void {
    const now = Date.now();
    if (now - this.last < 2000) return;
    this.last = now;
    this.emit(message);
  }
}
