import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { SCHEMA_VERSION, StoreVersionError } from '../../src/core/store';
import { migrate } from '../../src/core/store/migrations';
import { TempStores } from './helpers';

async function writeForeignDb(file: string, userVersion: number, withOurTables = false): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(withOurTables ? 'CREATE TABLE sync_history (id INTEGER)' : 'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
  db.run(`PRAGMA user_version = ${userVersion}`);
  fs.writeFileSync(file, db.export());
  db.close();
}

describe('store: migrations', () => {
  let t: TempStores;
  beforeEach(() => { t = new TempStores(); });
  afterEach(() => t.cleanup());

  it('migrates from empty (no file, and a zero-byte file, which is reported as damaged) to the current version', async () => {
    const s = await t.open();
    assert.equal(s.stats().runs.total, 0);
    s.close();
    fs.writeFileSync(t.dbPath('empty.sqlite'), '');
    const e = await t.open({ path: t.dbPath('empty.sqlite') });
    assert.match(e.recovered?.reason ?? '', /empty \(0 bytes\)/);
    e.close();
    const SQL = await initSqlJs();
    const db = new SQL.Database(fs.readFileSync(t.dbPath('empty.sqlite')));
    assert.equal(db.exec('PRAGMA user_version')[0].values[0][0], SCHEMA_VERSION);
    db.close();
  });

  it('migrates a v1 database (rows kept, v2 columns and the per-work-item guid index added)', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    migrate(db, 1);
    const t0 = '2026-01-01T00:00:00.000Z';
    db.run(`INSERT INTO attachment_sync_metadata (work_item_id, attachment_guid, file_name, source, created_at, updated_at)
      VALUES (7, 'aaaaaaaa-0000-0000-0000-000000000001', 'a.txt', 'TOOL', ?, ?)`, [t0, t0]);
    db.run(`INSERT INTO chunked_upload_sessions (session_uuid, work_item_id, file_path, file_name, total_size, chunk_size, total_chunks, created_at, updated_at, expires_at)
      VALUES ('s1', 7, '/f', 'f', 10, 5, 2, ?, ?, ?)`, [t0, t0, t0]);
    fs.writeFileSync(t.dbPath(), db.export());
    db.close();
    const s = await t.open();
    assert.equal(s.attachments.forWorkItem(7)[0].fileName, 'a.txt');
    assert.equal(s.uploadSessions.get('s1')?.sentSha256, null);
    // v2: one attachment may be recorded on two work items (de-duplication links it twice).
    s.attachments.insert({ workItemId: 8, fileName: 'a.txt', fileSize: 1, source: 'TOOL', attachmentGuid: 'aaaaaaaa-0000-0000-0000-000000000001' });
    assert.equal(s.attachments.listByGuid('aaaaaaaa-0000-0000-0000-000000000001').length, 2);
    assert.throws(() => s.attachments.insert({ workItemId: 8, fileName: 'b.txt', fileSize: 1, source: 'TOOL', attachmentGuid: 'aaaaaaaa-0000-0000-0000-000000000001' }));
  });

  it('opens a database already at each earlier-or-equal version, keeping its rows', async () => {
    const s = await t.open();
    const run = s.history.create({ trigger: 'poll' });
    s.close();
    const again = await t.open();
    assert.equal(again.history.get(run.id)?.trigger, 'poll');
    assert.equal(again.recovered, undefined);
  });

  it('refuses a database written by a newer version and leaves it untouched', async () => {
    await writeForeignDb(t.dbPath(), SCHEMA_VERSION + 1, true);
    const before = fs.readFileSync(t.dbPath());
    await assert.rejects(t.open(), (e: unknown) => e instanceof StoreVersionError && e.found === SCHEMA_VERSION + 1);
    assert.deepEqual(fs.readFileSync(t.dbPath()), before);
    assert.equal(fs.existsSync(`${t.dbPath()}.lock`), false, 'lock released on failure');
  });
});

describe('store: corruption recovery', () => {
  let t: TempStores;
  beforeEach(() => { t = new TempStores(); });
  afterEach(() => t.cleanup());

  async function bigValidFile(): Promise<void> {
    const s = await t.open();
    const run = s.history.create({});
    s.history.addItems(run.id, Array.from({ length: 3000 }, (_, i) => ({ itemName: `item-${i}-${'x'.repeat(40)}`, status: 'uploaded' as const })));
    s.close();
  }

  async function expectRecovered(reason: RegExp): Promise<void> {
    const original = fs.readFileSync(t.dbPath());
    const s = await t.open();
    assert.ok(s.recovered, 'recovery reported');
    assert.match(s.recovered.reason, reason);
    const aside = fs.readdirSync(t.dir).filter((f) => f.startsWith('state.sqlite.corrupt-'));
    assert.equal(aside.length, 1);
    assert.deepEqual(fs.readFileSync(path.join(t.dir, aside[0])), original, 'moved aside intact');
    assert.equal(s.history.count(), 0, 'fresh database');
    const [ev] = s.events.recent(5);
    assert.equal(ev.eventType, 'store_recovered');
    assert.equal(ev.severity, 'ERROR');
    assert.ok(t.logs.some((l) => l.includes('corrupt')));
    s.history.create({});
    s.close();
    const reopened = await t.open();
    assert.equal(reopened.recovered, undefined, 'the fresh file is good');
    assert.equal(reopened.history.count(), 1);
  }

  it('recovers from a truncated file', async () => {
    await bigValidFile();
    const bytes = fs.readFileSync(t.dbPath());
    fs.writeFileSync(t.dbPath(), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectRecovered(/.+/);
  });

  it('recovers from random bytes', async () => {
    fs.writeFileSync(t.dbPath(), crypto.randomBytes(64 * 1024));
    await expectRecovered(/not a database|malformed|file is/i);
  });

  it('recovers from a different SQLite file', async () => {
    await writeForeignDb(t.dbPath(), 0);
    await expectRecovered(/not a sync store/);
  });

  it('recovers from a valid header with damaged pages', async () => {
    await bigValidFile();
    const bytes = fs.readFileSync(t.dbPath());
    crypto.randomBytes(8192).copy(bytes, 4096 * 3);
    fs.writeFileSync(t.dbPath(), bytes);
    await expectRecovered(/.+/);
  });

  it('a read-only viewer of a corrupt file sees an empty store and moves nothing', async () => {
    fs.writeFileSync(t.dbPath(), crypto.randomBytes(4096));
    const ro = await t.open({ readOnly: true });
    assert.equal(ro.history.count(), 0);
    assert.deepEqual(fs.readdirSync(t.dir), ['state.sqlite']);
  });
});
