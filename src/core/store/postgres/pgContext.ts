import type { PgSql } from './pgSql';

/** What every PostgreSQL repository needs: the connection (or pool), the clock, and a way into a transaction. */
export interface PgContext {
  sql: PgSql;
  now: () => string;
  /** Runs fn in a transaction: a new one from the pool, or the one this context is already in. */
  tx<T>(fn: (c: PgContext) => Promise<T>): Promise<T>;
}
