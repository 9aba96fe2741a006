import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SCHEMA_VERSION, StoreClosedError, StoreLockedError } from '../../src/core/store';
import { clock, TempStores } from './helpers';

describe('store: open, persist, close', () => {
  let t: TempStores;
  beforeEach(() => { t = new TempStores(); });
  afterEach(() => t.cleanup());

  it('creates the file at the current schema version with every table, the view and the indexes', async () => {
    const s = await t.open();
    s.close();
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database(fs.readFileSync(t.dbPath()));
    assert.equal(db.exec('PRAGMA user_version')[0].values[0][0], SCHEMA_VERSION);
    const names = new Set(db.exec(`SELECT name FROM sqlite_master`)[0].values.map((r) => String(r[0])));
    for (const n of ['attachment_sync_metadata', 'chunked_upload_sessions', 'sync_job_queue', 'sync_event_log',
      'webhook_subscriptions', 'deduplication_index', 'v_attachment_sync_summary', 'sync_history', 'sync_history_items',
      'audit_logs', 'tracked_work_items', 'inbound_watermarks', 'idx_attachment_work_item', 'idx_attachment_sha256',
      'idx_dirty_due', 'idx_dedup_guid', 'idx_history_started', 'idx_history_items_run']) {
      assert.ok(names.has(n), `missing ${n}`);
    }
    db.close();
  });

  it('transactions: a throw rolls back a plain or an awaiting one; a plain one inside joins; an awaiting one inside is refused', async () => {
    const s = await t.open();
    const track = (id: number) => s.trackedItems.track({ workItemId: id, projectName: 'P' });
    const ids = () => s.trackedItems.list('P').map((r) => r.workItemId);
    assert.throws(() => s.transaction(() => { track(1); throw new Error('plain'); }), /plain/);
    await assert.rejects(s.transactionAsync(async () => { track(2); await Promise.resolve(); throw new Error('awaiting'); }), /awaiting/);
    assert.deepEqual(ids(), []);
    assert.equal(s.transaction(() => { track(3); return 'done'; }), 'done');
    assert.equal(await s.transactionAsync(async () => {
      await Promise.resolve();
      assert.throws(() => s.transaction(() => { track(4); throw new Error('inner'); }), /inner/);
      await assert.rejects(s.transactionAsync(() => Promise.resolve()), /cannot start inside another transaction/);
      track(5);
      return 'awaited';
    }), 'awaited');
    assert.deepEqual(ids(), [3, 4, 5], 'the inner one joined: its write stays with the outer commit');
    s.transaction(() => track(6));
    assert.deepEqual(ids(), [3, 4, 5, 6], 'nothing is left open');
  });

  it('persists on flush and reopens with the same rows; close releases the lock', async () => {
    const s = await t.open();
    const a = s.attachments.insert({ workItemId: 7, fileName: 'a.pdf', fileSize: 10, source: 'TOOL' });
    assert.equal(s.isDirty, true);
    const info = s.flush();
    assert.ok(info && info.bytes > 0);
    assert.equal(s.isDirty, false);
    s.close();
    assert.equal(fs.existsSync(`${t.dbPath()}.lock`), false);
    const s2 = await t.open();
    assert.equal(s2.attachments.get(a.id)?.fileName, 'a.pdf');
  });

  it('close() flushes pending writes', async () => {
    const s = await t.open({ debounceMs: 60_000 });
    s.trackedItems.track({ workItemId: 1, projectName: 'P' });
    s.close();
    const s2 = await t.open();
    assert.equal(s2.trackedItems.list().length, 1);
  });

  it('debounced writes reach the file without an explicit flush', async () => {
    const s = await t.open({ debounceMs: 30, maxDelayMs: 200 });
    const before = fs.statSync(t.dbPath()).mtimeMs;
    s.events.log({ eventType: 'x', message: 'hello' });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(s.isDirty, false);
    assert.ok(s.lastFlush);
    assert.ok(fs.statSync(t.dbPath()).mtimeMs >= before);
  });

  it('maxDelayMs bounds the delay under continuous writes', async () => {
    const s = await t.open({ debounceMs: 50, maxDelayMs: 150 });
    const start = Date.now();
    while (s.isDirty || Date.now() - start < 20) {
      s.events.log({ eventType: 'x', message: 'tick' });
      await new Promise((r) => setTimeout(r, 10));
      if (Date.now() - start > 1000) break;
    }
    assert.ok(Date.now() - start < 600, `flushed after ${Date.now() - start} ms`);
  });

  it('refuses a second writer with the holder pid, and allows a read-only viewer', async () => {
    const s = await t.open();
    await assert.rejects(t.open(), (e: unknown) => e instanceof StoreLockedError && e.pid === process.pid);
    s.history.create({ trigger: 'manual' });
    s.flush();
    const ro = await t.open({ readOnly: true });
    assert.equal(ro.history.count(), 1);
    assert.throws(() => ro.history.create({}), StoreClosedError);
  });

  it('prunes events and audit entries older than retentionDays, keeps history runs', async () => {
    const c = clock('2026-01-01T00:00:00.000Z');
    const s = await t.open({ now: c.now, retentionDays: 30 });
    s.events.log({ eventType: 'old', message: 'old' });
    s.audit.log({ actionType: 'old', entityType: 'x' });
    const run = s.history.create({});
    c.advance(31 * 86_400_000);
    s.events.log({ eventType: 'new', message: 'new' });
    assert.deepEqual(s.prune(), { events: 1, audit: 1 });
    assert.deepEqual(s.events.recent().map((e) => e.eventType), ['new']);
    assert.ok(s.history.get(run.id));
  });
});
