import { DomainError } from './domain-error';

/**
 * Opaque keyset cursors: base64url JSON of the sort key where the next page starts. One that
 * does not decode to the expected shape is the client's error (400), never a 500.
 */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A field's expected type; a RegExp means a string matching it (what goes into SQL casts). */
export type CursorField = 'string' | 'number' | RegExp;

/** Microsecond-exact timestamps (what keysets over timestamptz need); the zone designator is optional. */
export const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z?$/;
export const CURSOR_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  shape: { [K in keyof T]: CursorField },
): T | null {
  if (cursor === undefined || cursor === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!parsed || typeof parsed !== 'object') throw invalid();
  for (const [key, type] of Object.entries<CursorField>(shape)) {
    const value = (parsed as Record<string, unknown>)[key];
    const ok =
      type instanceof RegExp
        ? typeof value === 'string' && type.test(value)
        : typeof value === type && (type !== 'number' || (Number.isSafeInteger(value) && Number(value) >= 0));
    if (!ok) throw invalid();
  }
  return parsed as T;
}

function invalid(): DomainError {
  return new DomainError('bad_request', 'cursor is invalid');
}
