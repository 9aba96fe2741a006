import { createHash, randomBytes } from 'node:crypto';
import { StoreError } from '../errors';
import type { RepoContext } from './context';

export interface ApiTokenRow {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const API_TOKEN_COLS = 'id, name, created_at AS createdAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt';
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A token's stored form: its SHA-256 (the token is 32 random bytes, so no salt or slow hash is needed). */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token's text, after checking its name against the rules and the live tokens. */
export function newApiToken(name: string, live: readonly ApiTokenRow[]): string {
  if (!TOKEN_NAME.test(name)) throw new StoreError(`a token name is 1 to 64 letters, digits, '.', '_' or '-' (starting with a letter or digit); got "${name}"`);
  if (live.some((t) => t.name === name)) throw new StoreError(`a token named "${name}" exists already; revoke it first or choose another name`);
  return `ados_${randomBytes(32).toString('base64url')}`;
}

/** The live token a revoke names (by name or id). */
export function revokeTarget(live: readonly ApiTokenRow[], nameOrId: string): ApiTokenRow | undefined {
  return live.find((t) => t.name === nameOrId || String(t.id) === nameOrId);
}

/** api_tokens: bearer tokens of the HTTP API; the token itself is shown once, at creation. */
export class ApiTokenRepository {
  constructor(private readonly c: RepoContext) {}

  /** A new token under a name no live token has; the token text is returned once and never stored. */
  create(name: string): { row: ApiTokenRow; token: string } {
    const token = newApiToken(name, this.live());
    const id = this.c.sql.insert('INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?,?,?)', [name, hashApiToken(token), this.c.now()]);
    return { row: this.get(id) as ApiTokenRow, token };
  }

  get(id: number): ApiTokenRow | undefined {
    return this.c.sql.get<ApiTokenRow>(`SELECT ${API_TOKEN_COLS} FROM api_tokens WHERE id = ?`, [id]);
  }

  list(): ApiTokenRow[] {
    return this.c.sql.all<ApiTokenRow>(`SELECT ${API_TOKEN_COLS} FROM api_tokens ORDER BY id`);
  }

  live(): ApiTokenRow[] {
    return this.list().filter((t) => t.revokedAt === null);
  }

  /** Revokes the live token with this name (or id); undefined when there is none. */
  revoke(nameOrId: string): ApiTokenRow | undefined {
    const target = revokeTarget(this.live(), nameOrId);
    if (!target) return undefined;
    this.c.sql.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ?', [this.c.now(), target.id]);
    return this.get(target.id);
  }

  /** The live token this bearer text is, or undefined. Reads only: a request never writes the store for auth. */
  verify(token: string): ApiTokenRow | undefined {
    return this.c.sql.get<ApiTokenRow>(`SELECT ${API_TOKEN_COLS} FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, [hashApiToken(token)]);
  }
}
