import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';

export type { Database, SqlValue };
export type Params = Record<string, SqlValue> | SqlValue[];
export type Row = Record<string, SqlValue>;

let loading: Promise<SqlJsStatic> | undefined;

/** The wasm beside the running bundle (dist/) wins; else the one in node_modules. */
export function sqlWasmPath(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}

/** sql.js is loaded lazily and once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ wasmBinary: toArrayBuffer(fs.readFileSync(sqlWasmPath())) });
  return loading;
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Thin typed helpers over a sql.js Database; the only place statements are stepped. */
export class Sql {
  /** guard throws before a write (read-only or closed); onWrite marks the store dirty after one. */
  constructor(readonly db: Database, private readonly guard: () => void, private readonly onWrite: () => void) {}

  private readonly cache = new Map<string, Statement>();

  /** Prepared once per SQL text; sql.js frees every statement on export(), so flush calls forget(). */
  private stmt(sql: string): Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
  }

  /** Drops cached statements (before db.export() or close()). */
  forget(): void {
    for (const st of this.cache.values()) st.free();
    this.cache.clear();
  }

  run(sql: string, params: Params = []): number {
    this.guard();
    this.stmt(sql).run(params);
    const changed = this.db.getRowsModified();
    if (changed > 0) this.onWrite();
    return changed;
  }

  /** INSERT returning the new rowid. */
  insert(sql: string, params: Params = []): number {
    this.guard();
    this.stmt(sql).run(params);
    this.onWrite();
    return Number(this.scalar('SELECT last_insert_rowid()'));
  }

  all<T = Row>(sql: string, params: Params = []): T[] {
    const st = this.stmt(sql);
    try {
      st.bind(params);
      const out: T[] = [];
      while (st.step()) out.push(st.getAsObject() as T);
      return out;
    } finally {
      st.reset();
    }
  }

  get<T = Row>(sql: string, params: Params = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  scalar(sql: string, params: Params = []): SqlValue {
    const st = this.stmt(sql);
    try {
      st.bind(params);
      return st.step() ? st.get()[0] : null;
    } finally {
      st.reset();
    }
  }

  private depth = 0;

  /** Runs fn in a transaction; rolls back on throw. Inside another tx() it joins that transaction. */
  tx<T>(fn: () => T): T {
    this.guard();
    if (this.depth > 0) return this.nested(fn);
    return this.transaction(fn);
  }

  /**
   * tx() for a function that awaits: BEGIN before, COMMIT or ROLLBACK after it settles. Statements
   * run meanwhile from elsewhere in the process would join it, so callers keep others out
   * (sqlJsDb.ts queues them behind it).
   */
  async txAsync<T>(fn: () => Promise<T>): Promise<T> {
    this.guard();
    if (this.depth > 0) throw new Error('an awaiting transaction cannot start inside another transaction');
    return this.transaction(fn);
  }

  /** BEGIN, fn, then COMMIT, or ROLLBACK when fn throws; a promise fn returns settles first. */
  private transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN');
    this.depth = 1;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      return this.rollback(e);
    }
    if (result instanceof Promise) return result.then((value: unknown) => this.commit(value), (e: unknown) => this.rollback(e)) as T;
    return this.commit(result);
  }

  /** A COMMIT that fails is rolled back and thrown. */
  private commit<R>(result: R): R {
    try {
      this.db.exec('COMMIT');
    } catch (e) {
      return this.rollback(e);
    }
    this.depth = 0;
    this.onWrite();
    return result;
  }

  private rollback(error: unknown): never {
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.depth = 0;
    }
    throw error;
  }

  private nested<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  /** Prepared statement reused for a batch of rows (batched inserts). */
  batch(sql: string, rows: Params[]): void {
    this.guard();
    const st = this.stmt(sql);
    for (const r of rows) st.run(r);
    this.onWrite();
  }
}

export const toJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
export const fromJson = <T>(v: SqlValue): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null);
