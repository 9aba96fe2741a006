import type { Pool, PoolClient, QueryResultRow } from 'pg';

export type PgValue = string | number | boolean | null | readonly number[];

/** The repositories' SQL with `?` placeholders, as PostgreSQL takes it: `$1, $2, ...`, camelCase aliases quoted. */
export function toPostgres(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`).replace(/\bAS ([a-z]+[A-Z][A-Za-z0-9]*)\b/g, 'AS "$1"');
}

/** Typed helpers over a pool (each statement on any free connection) or one connection (a transaction). */
export class PgSql {
  private readonly texts = new Map<string, string>();

  constructor(readonly db: Pool | PoolClient) {}

  private text(sql: string): string {
    let t = this.texts.get(sql);
    if (t === undefined) {
      t = toPostgres(sql);
      this.texts.set(sql, t);
    }
    return t;
  }

  async all<T extends QueryResultRow>(sql: string, params: readonly PgValue[] = []): Promise<T[]> {
    return (await this.db.query<T>(this.text(sql), params as unknown[])).rows;
  }

  async get<T extends QueryResultRow>(sql: string, params: readonly PgValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async scalar(sql: string, params: readonly PgValue[] = []): Promise<unknown> {
    const row = await this.get<Record<string, unknown>>(sql, params);
    return row === undefined ? null : Object.values(row)[0] ?? null;
  }

  /** Rows changed. */
  async run(sql: string, params: readonly PgValue[] = []): Promise<number> {
    return (await this.db.query(this.text(sql), params as unknown[])).rowCount ?? 0;
  }

  /** INSERT ... RETURNING id: the new id. */
  async insert(sql: string, params: readonly PgValue[] = []): Promise<number> {
    return Number(await this.scalar(`${sql} RETURNING id`, params));
  }
}

/** fn on one connection of the pool between BEGIN and COMMIT (ROLLBACK when it throws); the connection goes back after. */
export async function inPgTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
