import { AppError } from '../lib/errors.js';

/**
 * Opaque keyset cursors: the sort value and id of the last row of a page, base64url JSON.
 * Keyset (not offset) pagination stays fast and stable while rows are being added.
 */
export interface CursorKey {
  v: string | number | null;
  id: string;
}

export const encodeCursor = (key: CursorKey): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string | undefined): CursorKey | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorKey;
    if (typeof key !== 'object' || key === null || typeof key.id !== 'string') throw new Error('shape');
    return key;
  } catch {
    throw new AppError('bad_request', 'cursor is not valid: pass the nextCursor value of the previous page unchanged.', {
      problems: [{ field: 'cursor', message: 'invalid cursor', code: 'invalid_cursor' }],
    });
  }
}

/** Splits a limit+1 fetch into a page and the cursor of its last row. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(keyOf(items[items.length - 1]!)) };
}
