import { DomainError } from './domain-error';
import { CURSOR_TIME, CURSOR_UUID, decodeCursor, encodeCursor } from './cursor.codec';

describe('cursor codec', () => {
  const shape = { t: CURSOR_TIME, id: CURSOR_UUID, n: 'number' } as const;
  const key = { t: '2026-11-25T01:02:03.123456Z', id: '0b6b1f3c-9d2e-4c1a-8f00-1234567890ab', n: 42 };

  it('round-trips a keyset key', () => {
    expect(decodeCursor<typeof key>(encodeCursor(key), shape)).toEqual(key);
  });

  it('treats a missing or empty cursor as the first page', () => {
    expect(decodeCursor(undefined, shape)).toBeNull();
    expect(decodeCursor('', shape)).toBeNull();
  });

  it.each([
    ['not base64 JSON', 'garbage!'],
    ['JSON that is not an object', Buffer.from('42').toString('base64url')],
    ['a missing field', encodeCursor({ t: key.t, id: key.id })],
    ['a time without microseconds', encodeCursor({ ...key, t: '2026-11-25T01:02:03Z' })],
    ['SQL in a uuid field', encodeCursor({ ...key, id: "x' OR 1=1 --" })],
    ['a negative number', encodeCursor({ ...key, n: -1 })],
    ['a fractional number', encodeCursor({ ...key, n: 1.5 })],
    ['an unsafe integer', encodeCursor({ ...key, n: 2 ** 60 })],
  ])('refuses %s with 400', (_label, cursor) => {
    expect(() => decodeCursor(cursor, shape)).toThrow(DomainError);
  });
});
