import { BadRequestException } from '@nestjs/common';

/** Opaque list cursors: base64url JSON, so clients cannot rely on their shape. */
export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<K extends string>(
  cursor: string | undefined,
  keys: readonly K[],
): Record<K, string> | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (parsed && typeof parsed === 'object' && keys.every((k) => typeof parsed[k] === 'string'))
      return parsed as Record<K, string>;
  } catch {
    // fall through
  }
  throw new BadRequestException({ message: 'Invalid cursor', code: 'bad_request' });
}
