// Retry Failed Items through the history controller to the real engine, against the emulator with
// one injected upload failure, on a real store.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAdoClient, PatAuth } from '../../src/core/ado';
import { engineRetry, planRetry } from '../../src/core/history/engineRetry';
import { HistoryController, HistoryRequestError } from '../../src/core/history/historyController';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { openStore, type SyncHistoryItemRow, type SyncStore } from '../../src/core/store';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import type { RunSummary } from '../../src/core/sync/engineApi';
import { startEmulator, type RunningEmulator } from '../emulator';

const host = { openWorkItem: async () => true, revealFile: async () => true, copyText: async () => true };

describe('retry failed items on the engine', function () {
  this.timeout(30_000);
  let ado: RunningEmulator;
  let dir: string;
  let store: SyncStore;
  before(async () => { ado = await startEmulator({ pats: ['p'] }); });
  after(() => ado.close());
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retry-'));
    store = await openStore({ path: path.join(dir, 'state.sqlite') });
  });
  afterEach(() => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const admin = async (method: 'POST' | 'DELETE', body?: unknown): Promise<void> => {
    const res = await fetch(`${new URL(ado.baseUrl).origin}/_emulator/faults`, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    assert.ok(res.ok, `faults ${method}: ${res.status}`);
  };

  it('re-attaches exactly the failed file in a new run; the view sees the count and the audit entry', async () => {
    const client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth: new PatAuth('p'), apiVersion: '7.1', maxRetries: 0 });
    const engine = createSyncEngine({ client, store, settings: DEFAULT_SETTINGS, workspaceRoot: dir, concurrency: 1 });
    const [one, two] = ['one.txt', 'two.txt'].map((n) => { const f = path.join(dir, n); fs.writeFileSync(f, `bytes of ${n}`); return f; });
    const workItemId = [...ado.state.workItems.keys()][0];
    assert.equal((await engine.attach({ files: [one], workItemId })).counters.uploaded, 1);
    // Every upload fails now: one.txt is already linked (skipped, no upload), two.txt fails.
    await admin('POST', { rules: [{ route: '/_apis/wit/attachments', method: 'POST', rate: 1, kinds: ['500'] }] });
    const first = await engine.attach({ files: [one, two], workItemId });
    await admin('DELETE');
    assert.deepEqual(first.items.map((i) => [i.fileName, i.status]).sort(), [['one.txt', 'duplicate'], ['two.txt', 'failed']]);
    const failedName = 'two.txt';

    const finished = new Promise<RunSummary>((resolve) => engine.events.on('runFinished', (e) => resolve(e.summary)));
    const ctl = new HistoryController(store, engineRetry(store, async () => engine, dir, (m) => assert.fail(m)), host);
    assert.deepEqual(await ctl.handle({ kind: 'retryFailed', runId: first.runId }), { runId: first.runId, retried: 1 });
    const retry = await finished;
    assert.notEqual(retry.runId, first.runId);
    assert.deepEqual(retry.items.map((i) => [i.fileName, i.status]), [[failedName, 'uploaded']]);
    const detail = await ctl.handle({ kind: 'runDetail', runId: first.runId });
    assert.ok(detail?.audit.some((a) => a.actionType === 'retry_failed'), 'the retry is audited on the original run');
    assert.ok(detail?.audit.some((a) => a.actionType === 'sync_started'), "the engine's own audit entries show in the detail");
    await engine.close();
  });

  it('a run with nothing failed retries nothing; a backlog import is refused with a typed error', async () => {
    const ok = store.history.create({ trigger: 'manual', status: 'completed' });
    const ctl = new HistoryController(store, engineRetry(store, async () => undefined, dir, () => undefined), host);
    assert.equal((await ctl.handle({ kind: 'retryFailed', runId: ok.id })).retried, 0);
    const imp = store.history.create({ kind: 'backlog_import', trigger: 'import' });
    store.history.addItems(imp.id, [{ itemName: 'Epic 1', itemType: 'epic', status: 'failed' }]);
    await assert.rejects(ctl.handle({ kind: 'retryFailed', runId: imp.id }), HistoryRequestError);
    const failed = store.history.create({ trigger: 'manual' });
    store.history.addItems(failed.id, [{ itemName: 'x.pdf', status: 'failed', workItemId: 5 }]);
    await assert.rejects(ctl.handle({ kind: 'retryFailed', runId: failed.id }), /not connected/);
  });

  it('plans attach for files still on disk (relative or absolute) and a sync for the rest', () => {
    fs.writeFileSync(path.join(dir, 'here.pdf'), 'x');
    const row = (over: Partial<SyncHistoryItemRow>): SyncHistoryItemRow => ({ id: 0, syncHistoryId: 1, ardoqId: null, itemName: 'f', itemType: 'attachment',
      status: 'failed', workItemId: 1, azureDevopsId: null, azureDevopsUrl: null, filePath: null, fileSize: null, sha256: null, errorCode: null,
      errorMessage: null, createdAt: '', ...over });
    const plan = planRetry([
      row({ workItemId: 1, filePath: 'here.pdf' }), row({ workItemId: 1, filePath: path.join(dir, 'here.pdf') }),
      row({ workItemId: 2, filePath: 'gone.pdf' }), row({ workItemId: 3 }), row({ workItemId: null }), row({ status: 'uploaded', workItemId: 9 }),
    ], dir);
    assert.deepEqual([...plan.attach], [[1, [path.join(dir, 'here.pdf'), path.join(dir, 'here.pdf')]]]);
    assert.deepEqual(plan.sync, [2, 3]);
    assert.equal(plan.count, 4);
  });
});
