import * as assert from 'node:assert/strict';
import type { ItemOutcome, RunSummary } from '../../src/core/sync/engineApi';
import { StatusModel } from '../../src/vscode/statusBarModel';

const counters = { uploaded: 0, linked: 0, downloaded: 0, duplicates: 0, conflicts: 0, remoteRemoved: 0, removed: 0, failed: 0, bytesTransferred: 0 };
function summary(runId: number, items: ItemOutcome[], extra: Partial<RunSummary> = {}): RunSummary {
  const failed = items.filter((i) => i.status === 'failed').length;
  return { runId, trigger: 'manual', status: 'completed', startedAt: '2026-03-01T10:00:00.000Z', completedAt: '2026-03-01T10:00:05.000Z',
    durationMs: 5000, counters: { ...counters, failed, uploaded: items.length - failed }, items, ...extra };
}
const item = (status: ItemOutcome['status'], code?: string, fileName = 'a.pdf'): ItemOutcome =>
  ({ workItemId: 1, fileName, direction: 'outbound', status, ...(code ? { error: { message: code, code } } : {}) });

describe('status bar model', () => {
  const connected = (): StatusModel => {
    const m = new StatusModel((d) => d.toISOString());
    m.setConnection({ identity: 'Ada', orgUrl: 'http://127.0.0.1:1/Coll', project: 'Demo' });
    return m;
  };

  it('not connected: cloud icon, click connects', () => {
    const v = new StatusModel().view();
    assert.equal(v.text, '$(cloud) ADO: not connected');
    assert.equal(v.command, 'connect');
  });

  it('idle shows synced with identity and last sync time in the tooltip; click opens the history', () => {
    const m = connected();
    assert.match(m.view().tooltip, /Ada · http:\/\/127\.0\.0\.1:1\/Coll \(Demo\)\nLast sync: not yet/);
    m.runStarted(1, 1); m.itemDone(1); m.runFinished(summary(1, [item('uploaded')]));
    const v = m.view();
    assert.equal(v.text, '$(check) ADO: synced');
    assert.match(v.tooltip, /Last sync: 2026-03-01T10:00:05\.000Z/);
    assert.equal(v.command, 'showHistory');
    assert.equal(v.warning, false);
  });

  it('a sync shows "syncing…" until it has planned, then n/m', () => {
    const m = new StatusModel();
    m.setConnection({ identity: 'Ada', orgUrl: 'http://x', project: 'P' });
    m.runStarted(9, 0);
    assert.equal(m.view().text, '$(sync~spin) ADO: syncing…');
    m.runPlanned(9, 4);
    m.itemDone(9);
    assert.equal(m.view().text, '$(sync~spin) ADO: syncing 1/4');
  });

  it('syncing n/m sums concurrent runs and spins', () => {
    const m = connected();
    m.runStarted(1, 3); m.runStarted(2, 2);
    m.itemDone(1); m.itemDone(2);
    assert.equal(m.view().text, '$(sync~spin) ADO: syncing 2/5');
    m.runFinished(summary(1, [item('uploaded'), item('uploaded'), item('uploaded')]));
    assert.equal(m.view().text, '$(sync~spin) ADO: syncing 1/2');
  });

  it('k failed with the warning background, kept through an unrelated poll, cleared when those files sync', () => {
    const m = connected();
    m.runFinished(summary(1, [item('failed', 'VS403313', 'big.iso'), item('failed', 'TF237082', 'huge.iso'), item('uploaded')], { workItemIds: [1] }));
    assert.deepEqual([m.view().text, m.view().warning], ['$(warning) ADO: 2 failed', true]);
    assert.match(m.view().tooltip, /Failed: VS403313; TF237082/);
    // A poll that finds nothing, and one that uploads another file: the failures are still there.
    m.runFinished(summary(2, [], { trigger: 'poll', workItemIds: [1] }));
    m.runFinished(summary(3, [item('uploaded', undefined, 'other.txt')], { trigger: 'poll' }));
    assert.equal(m.view().text, '$(warning) ADO: 2 failed');
    m.runFinished(summary(4, [item('uploaded', undefined, 'big.iso')]));
    assert.equal(m.view().text, '$(warning) ADO: 1 failed');
    m.runFinished(summary(5, [item('uploaded', undefined, 'huge.iso')]));
    assert.deepEqual([m.view().text, m.view().warning], ['$(check) ADO: synced', false]);
  });

  it('Dismiss forgets the kept failures (offered only while there are some); a later failure shows again', () => {
    const m = connected();
    assert.equal(m.view().dismissable, false);
    m.runFinished(summary(1, [item('failed', 'TF400898', 'flaky.txt')], { workItemIds: [1] }));
    m.runFinished(summary(2, [], { status: 'failed', error: { message: 'max-delete brake', code: 'MaxDeleteError' } }));
    assert.deepEqual([m.view().text, m.view().dismissable], ['$(warning) ADO: 1 failed', true]);
    m.dismissFailures();
    assert.deepEqual([m.view().text, m.view().warning, m.view().dismissable], ['$(check) ADO: synced', false, false]);
    assert.doesNotMatch(m.view().tooltip, /Failed:|Last run failed/);
    m.runFinished(summary(3, [item('failed', 'TF400898', 'flaky.txt')], { workItemIds: [1] }));
    assert.equal(m.view().text, '$(warning) ADO: 1 failed');
  });

  it('a work item that failed as a whole clears when it is processed again without failing; a braked one counts until confirmed', () => {
    const m = connected();
    m.runFinished(summary(1, [{ workItemId: 7, fileName: 'work item 7', direction: 'inbound', status: 'failed', error: { message: 'HTTP 503' } }], { workItemIds: [7] }));
    assert.equal(m.view().text, '$(warning) ADO: 1 failed');
    m.runFinished(summary(2, [], { trigger: 'poll', workItemIds: [7] }));
    assert.equal(m.view().text, '$(check) ADO: synced');
    m.runFinished(summary(3, [{ workItemId: 8, fileName: 'work item 8', direction: 'inbound', status: 'blocked', error: { message: 'max-delete brake' } }], { workItemIds: [8] }));
    assert.equal(m.view().text, '$(warning) ADO: 1 failed');
  });

  it('offline when every failure is a network error or the run threw one; back when a run succeeds', () => {
    const m = connected();
    m.runFinished(summary(1, [item('failed', 'NetworkError'), item('failed', 'TimeoutError')]));
    assert.equal(m.view().text, '$(cloud-offline) ADO: offline');
    m.runFinished(summary(2, [item('uploaded')]));
    assert.equal(m.view().text, '$(check) ADO: synced');
    const thrown = Object.assign(new Error('connect ECONNREFUSED'), { name: 'NetworkError' });
    m.runThrew(thrown);
    assert.equal(m.view().text, '$(cloud-offline) ADO: offline');
    m.runFinished(summary(3, [], { status: 'failed', error: { message: 'fetch failed', code: 'NetworkError' } }));
    assert.equal(m.view().text, '$(cloud-offline) ADO: offline');
  });

  it('a failed run (not network) warns; webhook and read-only show in the tooltip', () => {
    const m = connected();
    m.runFinished(summary(1, [], { status: 'failed', error: { message: 'max-delete brake: 60% of attachments', code: 'MaxDeleteError' } }));
    assert.equal(m.view().text, '$(warning) ADO: sync failed');
    assert.match(m.view().tooltip, /Last run failed: max-delete brake/);
    m.setWebhook('listening on 127.0.0.1:8091');
    m.setReadOnly(true);
    assert.match(m.view().tooltip, /Webhook receiver: listening on 127\.0\.0\.1:8091/);
    assert.match(m.view().tooltip, /Syncing paused/);
  });

  it('sign-out resets to not connected', () => {
    const m = connected();
    m.runStarted(1, 2);
    m.setConnection(undefined);
    assert.equal(m.view().text, '$(cloud) ADO: not connected');
  });
});
