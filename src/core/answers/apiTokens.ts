// API tokens as `ado-sync token --json` and the server's token routes show them: never the token
// text or its hash, which only `create` hands out, once.
import type { ApiTokenRow } from '../store';

export function tokenJson(t: ApiTokenRow) {
  return { id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt };
}

export type TokenJson = ReturnType<typeof tokenJson>;
