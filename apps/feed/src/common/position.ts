import { CURSOR_UUID, decodeCursor, encodeCursor } from '@plaza/platform';

/** A position in a (createdAt, id) keyset: epoch milliseconds and the row's uuid. */
export interface Position {
  t: number;
  id: string;
}

/** Opaque cursors (base64url JSON), so clients cannot come to rely on their shape. */
export function encodePosition(position: Position): string {
  return encodeCursor({ t: position.t, id: position.id });
}

/** The cursor just after a row of a newest-first (created_at, id) list: the `keyOf` for `pageOf`. */
export function positionCursor(row: { created_at: Date; id: string }): string {
  return encodePosition({ t: row.created_at.getTime(), id: row.id });
}

/** A cursor that does not decode to a position is the client's error (400), never a 500. */
export function decodePosition(cursor: string | undefined): Position | null {
  return decodeCursor<{ t: number; id: string }>(cursor, { t: 'number', id: CURSOR_UUID });
}

/** Strict (createdAt, id) descending order, the order of every newest-first list. */
export function isBefore(a: Position, b: Position): boolean {
  return a.t < b.t || (a.t === b.t && a.id < b.id);
}

export function comparePositionsDesc(a: Position, b: Position): number {
  if (a.t !== b.t) return b.t - a.t;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
