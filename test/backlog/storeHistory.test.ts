// The import's history in the real sync store (sql.js on a real file): the seed 002 columns,
// counters equal to what the ADO emulator holds, items, audit entries, statuses.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAdoClient, PatAuth, type AdoClient } from '../../src/core/ado';
import { importBacklog, sourceTag, storeBacklogHistory } from '../../src/core/backlog';
import { openStore, type SyncStore } from '../../src/core/store';
import { startEmulator, type RunningEmulator } from '../emulator';
import { generateBacklog, startArdoqEmulator, type ArdoqRecord, type RunningArdoqEmulator } from '../ardoq-emulator';

const PAT = 'test-pat';
const TOKEN = 'ardoq-token';
const ORIGIN = { userAgent: 'ado-sync-cli/0.1.0', host: 'build-agent-7', userName: 'tester', clientVersion: '0.1.0' };

describe('backlog import history in the sync store', () => {
  let ado: RunningEmulator;
  let ardoq: RunningArdoqEmulator;
  let client: AdoClient;
  let dir: string;
  let store: SyncStore;
  const auth = new PatAuth(PAT);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'backlog-history-'));
    store = await openStore({ path: path.join(dir, 'state.sqlite'), debounceMs: 50 });
    ado = await startEmulator({ pats: [PAT] });
    ardoq = await startArdoqEmulator({ token: TOKEN, workspaces: { ws: generateBacklog({ workspaceId: 'ws', epics: 2, featuresPerEpic: 2, storiesPerFeature: 3 }) }, pageSize: 10 });
    client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth, apiVersion: '7.1' });
  });
  afterEach(async () => {
    store.close();
    await Promise.all([ado.close(), ardoq.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const run = (extra: Partial<Parameters<typeof importBacklog>[0]> = {}) =>
    importBacklog({ source: { kind: 'ardoq', orgUrl: ardoq.url, workspaceId: 'ws', token: TOKEN }, client, history: storeBacklogHistory(store), origin: ORIGIN, ...extra });
  const imported = () => [...ado.state.workItems.values()].filter((w) => !w.deleted && String(w.fields['System.Tags'] ?? '').split('; ').includes(sourceTag('ws')));

  it('records a completed run with the seed 002 columns, per-type counters equal to the emulator, items and audit', async () => {
    const summary = await run();
    const row = store.history.get(summary.historyId as number);
    assert.ok(row);
    const held = imported();
    const ofType = (t: string) => held.filter((w) => w.fields['System.WorkItemType'] === t).length;
    assert.deepEqual(
      { kind: row.kind, trigger: row.trigger, status: row.status, sourceType: row.sourceType, sourceConfigId: row.sourceConfigId, targetType: row.targetType, projectName: row.projectName, overwriteMode: row.overwriteMode },
      { kind: 'backlog_import', trigger: 'import', status: 'completed', sourceType: 'ardoq', sourceConfigId: 'ws', targetType: 'azure_devops', projectName: ado.project, overwriteMode: 'false' },
    );
    assert.equal(row.targetConfigId, `${ado.baseUrl}/${ado.project}`);
    assert.deepEqual([row.totalItems, row.itemsCreated, row.itemsFailed], [18, held.length, 0]);
    assert.deepEqual([row.epicsCreated, row.featuresCreated, row.userStoriesCreated], [ofType('Epic'), ofType('Feature'), ofType('User Story')]);
    assert.deepEqual([row.epicsCreated, row.featuresCreated, row.userStoriesCreated], [2, 4, 12]);
    assert.ok(row.completedAt && row.durationMs !== null && row.durationMs >= 0);

    const items = store.history.items(row.id);
    assert.equal(items.length, 18);
    const ids = new Set(held.map((w) => w.id));
    assert.ok(items.every((i) => i.status === 'created' && i.ardoqId && i.azureDevopsId !== null && ids.has(i.azureDevopsId) && i.azureDevopsUrl?.includes('/_workitems/edit/')));
    assert.deepEqual(new Set(items.map((i) => i.itemType)), new Set(['epic', 'feature', 'user_story']));

    const audit = store.audit.forEntity('sync', String(row.id));
    assert.deepEqual(audit.map((a) => a.actionType), ['sync_started', 'sync_completed']);
    assert.deepEqual([audit[0].userAgent, audit[0].host, audit[0].userName, audit[0].clientVersion], [ORIGIN.userAgent, ORIGIN.host, ORIGIN.userName, ORIGIN.clientVersion]);
    assert.deepEqual((audit[1].details as Record<string, unknown>).items_created, 18);
    // The run's end flushed the database to its file.
    const onDisk = await openStore({ path: path.join(dir, 'state.sqlite'), readOnly: true });
    try {
      assert.equal(onDisk.history.get(row.id)?.status, 'completed');
      assert.equal(onDisk.history.items(row.id).length, 18);
    } finally {
      onDisk.close();
    }
  });

  it('records overwrite mode, deletion_count, failures per type and a second run beside the first', async () => {
    await run();
    const bad = ardoq.workspaces.ws.find((c) => c.name === 'Story 2.2.3') as ArdoqRecord;
    bad.name = '';
    const summary = await run({ overwrite: true, deleteChunkSize: 5 });
    const row = store.history.get(summary.historyId as number);
    assert.ok(row);
    assert.deepEqual([row.status, row.overwriteMode, row.deletionCount], ['completed', 'true', 18]);
    assert.deepEqual([row.itemsCreated, row.itemsFailed, row.userStoriesCreated, row.userStoriesFailed], [17, 1, 11, 1]);
    assert.equal(imported().length, 17);
    const failed = store.history.items(row.id).filter((i) => i.status === 'failed');
    assert.equal(failed.length, 1);
    assert.match(failed[0].errorMessage ?? '', /TF401320/);
    assert.equal(store.history.page({ kind: 'backlog_import' }).total, 2);
  });

  it('records a cancelled run as cancelled with its audit entry', async () => {
    const controller = new AbortController();
    const summary = await run({ signal: controller.signal, onProgress: (e) => 'done' in e && e.done === 5 && controller.abort() });
    const row = store.history.get(summary.historyId as number);
    assert.equal(row?.status, 'cancelled');
    assert.equal(row?.itemsCreated, 5);
    assert.deepEqual(store.audit.forEntity('sync', String(row?.id)).map((a) => a.actionType), ['sync_started', 'sync_cancelled']);
  });

  it('records a run that cannot reach its source as failed, with the reason', async () => {
    const summary = await importBacklog({ source: { kind: 'ardoq', orgUrl: ardoq.url, workspaceId: 'missing', token: TOKEN }, client, history: storeBacklogHistory(store), origin: ORIGIN });
    const row = store.history.get(summary.historyId as number);
    assert.equal(row?.status, 'failed');
    assert.match(row?.errorMessage ?? '', /Workspace missing not found/);
    const audit = store.audit.forEntity('sync', String(row?.id));
    assert.deepEqual(audit.map((a) => a.actionType), ['sync_started', 'sync_failed']);
  });
});
