import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type SyncStore } from '../../src/core/store';
import { HistoryController, HistoryRequestError, type HostActions, type RetryEngine } from '../../src/core/history/historyController';

/** A small real retry engine: starts a new run over the failed items and records them on the store. */
class StoreRetryEngine implements RetryEngine {
  constructor(private readonly store: SyncStore) {}
  async retryFailedItems(runId: number): Promise<number> {
    const failed = this.store.history.items(runId).filter((i) => i.status === 'failed');
    if (failed.length === 0) return 0;
    const retry = this.store.history.create({ trigger: 'manual', workItemId: failed[0].workItemId });
    this.store.history.addItems(retry.id, failed.map((i) => ({ itemName: i.itemName, status: 'uploaded' as const, workItemId: i.workItemId })));
    this.store.history.increment(retry.id, { uploaded: failed.length });
    this.store.history.update(retry.id, { status: 'completed', totalItems: failed.length });
    this.store.audit.log({ actionType: 'retry_failed', entityType: 'sync_history', entityId: String(runId), details: { retryRunId: retry.id } });
    return failed.length;
  }
}

class RecordingHost implements HostActions {
  readonly opened: number[] = [];
  readonly copied: string[] = [];
  constructor(private readonly root: string) {}
  async openWorkItem(id: number): Promise<boolean> { this.opened.push(id); return true; }
  async revealFile(p: string): Promise<boolean> { return fs.existsSync(path.join(this.root, p)); }
  async copyText(t: string): Promise<boolean> { this.copied.push(t); return true; }
}

describe('history controller on a real store', () => {
  let dir: string;
  let store: SyncStore;
  let ctl: HistoryController;
  let host: RecordingHost;
  let tick = Date.parse('2026-03-01T10:00:00.000Z');
  const now = (): Date => new Date(tick);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hist-ctl-'));
    store = await openStore({ path: path.join(dir, 'state.sqlite'), now });
    host = new RecordingHost(dir);
    ctl = new HistoryController(store, new StoreRetryEngine(store), host, now);
    for (let i = 0; i < 7; i++) {
      tick = Date.parse('2026-03-01T10:00:00.000Z') + i * 3_600_000;
      const run = store.history.create({ trigger: i % 2 ? 'poll' : 'manual', workItemId: 100 + (i % 3) });
      store.history.addItems(run.id, [{ itemName: `file-${i}.pdf`, status: i === 3 ? 'failed' : 'uploaded', workItemId: 100 + (i % 3),
        errorCode: i === 3 ? 'VS403' : null, errorMessage: i === 3 ? 'quota exceeded' : null }]);
      store.history.increment(run.id, i === 3 ? { itemsFailed: 1 } : { uploaded: 1, bytesTransferred: 1000 });
      store.history.update(run.id, { status: i === 3 ? 'failed' : 'completed' });
    }
  });
  afterEach(() => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('pages runs with keyset cursors and totals, newest first, without overlap', async () => {
    const p1 = await ctl.handle({ kind: 'runs', filter: {}, pageSize: 3, cursor: null });
    assert.equal(p1.total, 7);
    assert.equal(p1.rows.length, 3);
    const p2 = await ctl.handle({ kind: 'runs', filter: {}, pageSize: 3, cursor: p1.nextCursor });
    const p3 = await ctl.handle({ kind: 'runs', filter: {}, pageSize: 3, cursor: p2.nextCursor });
    const ids = [...p1.rows, ...p2.rows, ...p3.rows].map((r) => r.id);
    assert.deepEqual(ids, [7, 6, 5, 4, 3, 2, 1]);
    assert.equal(p3.nextCursor, null);
  });

  it('filters by status, trigger, work item and free text (error messages and file names)', async () => {
    const failed = await ctl.handle({ kind: 'runs', filter: { status: 'failed' }, pageSize: 25, cursor: null });
    assert.deepEqual(failed.rows.map((r) => r.id), [4]);
    const poll = await ctl.handle({ kind: 'runs', filter: { trigger: 'poll' }, pageSize: 25, cursor: null });
    assert.equal(poll.total, 3);
    const wi = await ctl.handle({ kind: 'runs', filter: { workItemId: 101 }, pageSize: 25, cursor: null });
    assert.deepEqual(wi.rows.map((r) => r.id), [5, 2]);
    const text = await ctl.handle({ kind: 'runs', filter: { text: 'quota' }, pageSize: 25, cursor: null });
    assert.deepEqual(text.rows.map((r) => r.id), [4]);
    const name = await ctl.handle({ kind: 'runs', filter: { text: 'file-6' }, pageSize: 25, cursor: null });
    assert.deepEqual(name.rows.map((r) => r.id), [7]);
  });

  it('returns run detail with items and the service error code', async () => {
    const d = await ctl.handle({ kind: 'runDetail', runId: 4 });
    assert.ok(d);
    assert.equal(d.items[0].errorCode, 'VS403');
    assert.equal(await ctl.handle({ kind: 'runDetail', runId: 999 }), null);
  });

  it('retry failed items re-runs exactly the failed items and is audited', async () => {
    const r = await ctl.handle({ kind: 'retryFailed', runId: 4 });
    assert.deepEqual(r, { runId: 4, retried: 1 });
    const latest = await ctl.handle({ kind: 'runs', filter: {}, pageSize: 1, cursor: null });
    assert.equal(latest.total, 8);
    const detail = await ctl.handle({ kind: 'runDetail', runId: latest.rows[0].id });
    assert.deepEqual(detail?.items.map((i) => [i.itemName, i.status]), [['file-3.pdf', 'uploaded']]);
    const d4 = await ctl.handle({ kind: 'runDetail', runId: 4 });
    assert.equal(d4?.audit[0].actionType, 'retry_failed');
    assert.equal((await ctl.handle({ kind: 'retryFailed', runId: 1 })).retried, 0);
    await assert.rejects(ctl.handle({ kind: 'retryFailed', runId: 999 }), HistoryRequestError);
  });

  it('chart counts runs per day by status and bytes moved', async () => {
    const c = await ctl.handle({ kind: 'chart', days: 30 });
    assert.equal(c.days.length, 30);
    assert.equal(c.days[29], '2026-03-01');
    assert.deepEqual(c.counts.map((x) => [x.status, x.count]), [['completed', 6], ['failed', 1]]);
    assert.equal(c.bytesByDay['2026-03-01'], 6000);
  });

  it('relays editor actions to the host', async () => {
    assert.deepEqual(await ctl.handle({ kind: 'openWorkItem', workItemId: 101 }), { ok: true });
    assert.deepEqual(host.opened, [101]);
    assert.deepEqual(await ctl.handle({ kind: 'revealFile', filePath: 'nope.pdf' }), { ok: false });
    await ctl.handle({ kind: 'copyText', text: 'VS403: quota exceeded' });
    assert.deepEqual(host.copied, ['VS403: quota exceeded']);
  });
});

describe('history controller: audit tab', () => {
  it('filters by part of the action and by free text over the entry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hist-audit-'));
    const store = await openStore({ path: path.join(dir, 'state.sqlite') });
    try {
      store.audit.log({ actionType: 'sync_started', entityType: 'sync', entityId: '1', userName: 'ada', details: { trigger: 'poll' } });
      store.audit.log({ actionType: 'sync_failed', entityType: 'sync', entityId: '1', details: { error: 'TF237082 too large' } });
      store.audit.log({ actionType: 'retry_failed', entityType: 'sync', entityId: '1', details: {} });
      const ctl = new HistoryController(store, { retryFailedItems: async () => 0 }, new RecordingHost(dir));
      const actions = async (filter: { action?: string; text?: string }) => (await ctl.handle({ kind: 'audit', filter, limit: 100 })).map((a) => a.actionType);
      assert.deepEqual(await actions({ action: 'FAILED ' }), ['retry_failed', 'sync_failed']);
      assert.deepEqual(await actions({ text: 'tf237082' }), ['sync_failed']);
      assert.deepEqual(await actions({ action: 'sync', text: 'ada' }), ['sync_started']);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
