import { BadRequestException } from '@nestjs/common';

/** A position in a (createdAt, id) keyset: epoch milliseconds and the row's uuid. */
export interface Position {
  t: number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque cursors (base64url JSON), so clients cannot come to rely on their shape. */
export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify({ t: position.t, id: position.id }), 'utf8').toString('base64url');
}

/** A cursor that does not decode to a position is the client's error (400), never a 500. */
export function decodeCursor(cursor: string | undefined): Position | null {
  if (cursor === undefined || cursor === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const { t, id } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0 || typeof id !== 'string' || !UUID.test(id))
    throw invalidCursor();
  return { t, id };
}

/** Strict (createdAt, id) descending order, the order of every newest-first list. */
export function isBefore(a: Position, b: Position): boolean {
  return a.t < b.t || (a.t === b.t && a.id < b.id);
}

export function comparePositionsDesc(a: Position, b: Position): number {
  if (a.t !== b.t) return b.t - a.t;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function invalidCursor(): BadRequestException {
  return new BadRequestException({ message: 'cursor is invalid', code: 'bad_request' });
}
