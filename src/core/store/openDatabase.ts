import * as fs from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { StoreCorruptError, StoreVersionError } from './errors';
import { SCHEMA_VERSION, schemaVersion } from './migrations';
import { errorMessage } from '../errorMessage';

/** Opens the bytes as a database we recognise, or says why it is unusable. */
export function loadDatabase(SQL: SqlJsStatic, dbPath: string): { db: Database; corrupt?: string } {
  if (!fs.existsSync(dbPath)) return { db: new SQL.Database() };
  const bytes = fs.readFileSync(dbPath);
  // We never write an empty file (writes are whole and atomic): zero bytes is a file cut short.
  if (bytes.length === 0) return { db: new SQL.Database(), corrupt: 'the file is empty (0 bytes)' };
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    const check = String(db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0] ?? '');
    if (check !== 'ok') return fresh(SQL, db, `integrity_check: ${check.slice(0, 200)}`);
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new StoreVersionError(version, SCHEMA_VERSION);
    }
    // user_version 0 with tables in it: some other application's SQLite file.
    const tables = Number(db.exec(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`)[0].values[0][0]);
    if (version === 0 && tables > 0) return fresh(SQL, db, 'not a sync store (foreign tables, no schema version)');
    if (version > 0 && !hasTable(db, 'sync_history')) return fresh(SQL, db, 'schema version set but store tables missing');
    return { db };
  } catch (e) {
    if (e instanceof StoreVersionError) throw e;
    return fresh(SQL, db, errorMessage(e));
  }
}

function hasTable(db: Database, name: string): boolean {
  return db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${name}'`).length > 0;
}

function fresh(SQL: SqlJsStatic, bad: Database | undefined, reason: string): { db: Database; corrupt: string } {
  try { bad?.close(); } catch { /* already unusable */ }
  return { db: new SQL.Database(), corrupt: reason };
}

/** Moves a corrupt file aside as `<db>.corrupt-<timestamp>` and returns the typed report. */
export function moveAside(dbPath: string, reason: string, now: Date, restoredTracked: number): StoreCorruptError {
  const movedTo = `${dbPath}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(dbPath, movedTo);
  return new StoreCorruptError(dbPath, reason, movedTo, restoredTracked);
}
