import { StoreError } from './errors';

export interface HistoryKey { startedAt: string; id: number }

/** Opaque keyset cursor: base64url of [startedAt, id]. */
export function encodeCursor(k: HistoryKey): string {
  return Buffer.from(JSON.stringify([k.startedAt, k.id])).toString('base64url');
}

export function decodeCursor(cursor: string): HistoryKey {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof startedAt === 'string' && typeof id === 'number') return { startedAt, id };
  } catch { /* fall through to the typed error */ }
  throw new StoreError(`Invalid history cursor: ${cursor}`);
}
