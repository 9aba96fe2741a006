import assert from 'node:assert/strict';
import { planFile } from '../../src/core/sync/planner';
import { checkMaxDelete, MaxDeleteExceededError } from '../../src/core/sync/maxDeleteBrake';
import { SyncEvents } from '../../src/core/sync/events';

const s = (o: Partial<Parameters<typeof planFile>[0]>): Parameters<typeof planFile>[0] =>
  ({ workItemId: 1, fileName: 'a.txt', remoteSha256s: [], ...o });

describe('sync planner', () => {
  it('uploads a new local file', () => assert.deepEqual(planFile(s({ localSha256: 'L' })).kind, 'upload'));
  it('skips content already linked (duplicate) and in-sync content', () => {
    assert.deepEqual(planFile(s({ localSha256: 'L', remoteSha256s: ['L'] })), { kind: 'skip', workItemId: 1, fileName: 'a.txt', reason: 'duplicate' });
    assert.equal((planFile(s({ localSha256: 'L', remoteSha256s: ['L'], syncedSha256: 'L' })) as { reason: string }).reason, 'in-sync');
  });
  it('uploads a changed local file as a new version', () => {
    const a = planFile(s({ localSha256: 'L2', remoteSha256s: ['L1'], syncedSha256: 'L1' }));
    assert.deepEqual(a, { kind: 'upload', workItemId: 1, fileName: 'a.txt', sha256: 'L2', reason: 'changed' });
  });
  it('downloads a new remote attachment', () => {
    assert.equal(planFile(s({ remoteSha256s: ['R'] })).kind, 'download');
    assert.equal(planFile(s({ localSha256: 'L', syncedSha256: 'L', remoteSha256s: ['L', 'R'] })).kind, 'skip');
    assert.equal(planFile(s({ localSha256: 'L', syncedSha256: 'L', remoteSha256s: ['R'] })).kind, 'download');
  });
  it('reports a conflict when both sides changed', () => {
    assert.deepEqual(planFile(s({ localSha256: 'L2', syncedSha256: 'L1', remoteSha256s: ['R2'] })),
      { kind: 'conflict', workItemId: 1, fileName: 'a.txt', localSha256: 'L2', remoteSha256: 'R2' });
  });
  it('a relation removed in ADO marks the record, never deletes', () => {
    assert.equal(planFile(s({ localSha256: 'L', syncedSha256: 'L' })).kind, 'markRemoteRemoved');
    assert.equal(planFile(s({ syncedSha256: 'L' })).kind, 'markRemoteRemoved');
  });
});

describe('max-delete brake', () => {
  it('stops above the share and lets the rest through', () => {
    assert.throws(() => checkMaxDelete(6, 10, 0.5), MaxDeleteExceededError);
    assert.doesNotThrow(() => checkMaxDelete(5, 10, 0.5));
    assert.doesNotThrow(() => checkMaxDelete(0, 0, 0.5));
  });
});

describe('sync events', () => {
  it('delivers typed events and isolates throwing listeners', () => {
    const ev = new SyncEvents();
    const got: number[] = [];
    ev.on('itemProgress', () => { throw new Error('ui'); });
    const off = ev.on('itemProgress', (e) => got.push(e.bytes));
    ev.emit('itemProgress', { runId: 'r', fileName: 'a', workItemId: 1, bytes: 5, total: 10 });
    off();
    ev.emit('itemProgress', { runId: 'r', fileName: 'a', workItemId: 1, bytes: 9, total: 10 });
    assert.deepEqual(got, [5]);
  });
});
