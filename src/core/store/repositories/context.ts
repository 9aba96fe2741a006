import type { Sql } from '../sqlite';

/** What every repository needs: the database and the clock (ISO strings). */
export interface RepoContext {
  sql: Sql;
  now: () => string;
}
