import * as assert from 'node:assert/strict';
import type { SyncStore } from '../../src/core/store';
import { clock, TempStores } from './helpers';

describe('store: repositories', () => {
  let t: TempStores;
  let s: SyncStore;
  const c = clock('2026-03-01T10:00:00.000Z');
  beforeEach(async () => { t = new TempStores(); c.set('2026-03-01T10:00:00.000Z'); s = await t.open({ now: c.now }); });
  afterEach(() => t.cleanup());

  it('attachments: insert, sync, soft delete, remote removal and the per-work-item summary view', () => {
    const a = s.attachments.insert({ workItemId: 1, fileName: 'a.pdf', fileSize: 100, source: 'TOOL', sha256: 'h1' });
    const b = s.attachments.insert({ workItemId: 1, fileName: 'b.pdf', fileSize: 50, source: 'ADO' });
    s.attachments.insert({ workItemId: 1, fileName: 'c.pdf', fileSize: 7, source: 'TOOL', syncStatus: 'FAILED' });
    c.advance(1000);
    s.attachments.markSynced(a.id, { attachmentGuid: 'g-a', attachmentUrl: 'http://x/a' });
    const synced = s.attachments.get(a.id)!;
    assert.equal(synced.syncStatus, 'SYNCED');
    assert.equal(synced.version, 2);
    assert.equal(synced.lastSyncedAt, '2026-03-01T10:00:01.000Z');
    assert.equal(s.attachments.byGuid('g-a')?.id, a.id);
    assert.deepEqual(s.attachments.bySha256('h1').map((r) => r.id), [a.id]);
    assert.deepEqual(s.attachments.summary(1), {
      workItemId: 1, totalAttachments: 3, syncedCount: 1, pendingCount: 1, failedCount: 1, totalSizeBytes: 157,
      lastModified: '2026-03-01T10:00:01.000Z',
    });
    s.attachments.softDelete(b.id);
    s.attachments.markRemoteRemoved(a.id);
    assert.equal(s.attachments.forWorkItem(1).length, 2);
    assert.equal(s.attachments.forWorkItem(1, true).length, 3);
    assert.equal(s.attachments.get(b.id)?.syncStatus, 'DELETED');
    assert.equal(s.attachments.get(a.id)?.remoteRemovedAt, '2026-03-01T10:00:01.000Z');
    assert.equal(s.attachments.summary(1)?.totalAttachments, 2);
    s.attachments.setStatus(b.id, 'CONFLICT', 'both changed');
    assert.equal(s.attachments.get(b.id)?.errorMessage, 'both changed');
  });

  it('dedup: first writer wins, find and forget', () => {
    const first = s.dedup.remember({ collectionUrl: 'c', sha256Hash: 'h', attachmentGuid: 'g1', attachmentUrl: 'u1', fileSize: 5, firstWorkItemId: 1 });
    const again = s.dedup.remember({ collectionUrl: 'c', sha256Hash: 'h', attachmentGuid: 'g2', attachmentUrl: 'u2', fileSize: 5, firstWorkItemId: 2 });
    const elsewhere = s.dedup.remember({ collectionUrl: 'other', sha256Hash: 'h', attachmentGuid: 'g3', attachmentUrl: 'u3', fileSize: 5, firstWorkItemId: 2 });
    assert.equal(elsewhere.attachmentGuid, 'g3', 'another collection has its own entry');
    assert.equal(s.dedup.contentOf('g1'), 'h');
    assert.equal(first.attachmentGuid, 'g1');
    assert.equal(again.attachmentGuid, 'g1');
    s.dedup.forget('c', 'h');
    assert.equal(s.dedup.find('c', 'h'), undefined);
    assert.equal(s.dedup.find('other', 'h')?.attachmentGuid, 'g3');
  });

  it('upload sessions: chunk counters, resume lookup and 24 h expiry', () => {
    const u = s.uploadSessions.create({ sessionUuid: 'u1', workItemId: 3, filePath: 'f.bin', fileName: 'f.bin', totalSize: 10, chunkSize: 4, sha256: 'h' });
    assert.equal(u.totalChunks, 3);
    assert.equal(u.expiresAt, '2026-03-02T10:00:00.000Z');
    s.uploadSessions.recordChunk('u1', 4);
    s.uploadSessions.recordChunk('u1', 8);
    assert.deepEqual([s.uploadSessions.get('u1')?.chunksReceived, s.uploadSessions.get('u1')?.nextByte], [2, 8]);
    assert.equal(s.uploadSessions.findResumable(3, 'f.bin', 'h')?.sessionUuid, 'u1');
    assert.equal(s.uploadSessions.findResumable(3, 'f.bin', 'other'), undefined);
    c.advance(24 * 3600_000);
    assert.equal(s.uploadSessions.findResumable(3, 'f.bin', 'h'), undefined);
    assert.equal(s.uploadSessions.expireStale(), 1);
    assert.equal(s.uploadSessions.get('u1')?.status, 'EXPIRED');
  });

  it('dirty items: mark accumulates reasons, claim leases due rows, fail backs off, a mark during a sync keeps the item dirty, block waits for force', () => {
    s.dirtyItems.mark('P', [9, 9, 10], 'feed');
    s.dirtyItems.mark('P', [9], 'webhook', { replace: true });
    assert.deepEqual(s.dirtyItems.get('P', 9)?.reasons, ['feed', 'webhook']);
    assert.equal(s.dirtyItems.get('P', 9)?.replace, true);
    const claimed = s.dirtyItems.claimDue('P', 'w1', 10, 30_000);
    assert.deepEqual(claimed.map((r) => [r.workItemId, r.status, r.leaseOwner]), [[9, 'IN_PROGRESS', 'w1'], [10, 'IN_PROGRESS', 'w1']]);
    assert.equal(s.dirtyItems.claimDue('P', 'w2', 10, 30_000).length, 0, 'a leased row is not handed out twice');
    const nine = claimed[0];
    s.dirtyItems.fail('P', 9, nine.markSeq, { message: 'boom', code: 'E1' }, new Date('2026-03-01T10:00:05.000Z'));
    assert.deepEqual([s.dirtyItems.get('P', 9)?.status, s.dirtyItems.get('P', 9)?.attempts, s.dirtyItems.get('P', 9)?.lastError], ['PENDING', 1, 'boom']);
    assert.equal(s.dirtyItems.claimDue('P', 'w1', 10, 30_000).length, 0, 'not due during backoff');
    c.advance(5000);
    const again = s.dirtyItems.claimDue('P', 'w1', 10, 30_000);
    assert.deepEqual(again.map((r) => r.workItemId), [9]);
    // Marked again while it syncs: the sync's completion must not clear the newer mark.
    s.dirtyItems.mark('P', [9], 'webhook');
    s.dirtyItems.complete('P', 9, again[0].markSeq);
    assert.equal(s.dirtyItems.get('P', 9)?.status, 'PENDING');
    const last = s.dirtyItems.claimDue('P', 'w1', 10, 30_000);
    s.dirtyItems.complete('P', 9, last[0].markSeq);
    assert.equal(s.dirtyItems.get('P', 9), undefined, 'synced: the row is gone');
    // Expired leases are taken over.
    c.advance(31_000);
    assert.deepEqual(s.dirtyItems.claimDue('P', 'w3', 10, 30_000).map((r) => [r.workItemId, r.leaseOwner]), [[10, 'w3']]);
    s.dirtyItems.block('P', 10, 'max-delete', { removals: 3, total: 4 });
    s.dirtyItems.mark('P', [10], 'feed');
    assert.equal(s.dirtyItems.get('P', 10)?.status, 'BLOCKED', 'a new change does not release a blocked item');
    assert.equal(s.dirtyItems.claimDue('P', 'w1', 10, 30_000).length, 0);
    s.dirtyItems.mark('P', [10], 'manual', { force: true });
    assert.deepEqual([s.dirtyItems.get('P', 10)?.status, s.dirtyItems.get('P', 10)?.force], ['PENDING', true]);
    assert.equal(s.dirtyItems.release('P'), 0);
    assert.equal(s.dirtyItems.claimDue('P', 'w1', 10, 30_000).length, 1);
    assert.equal(s.dirtyItems.release('P', 'w1'), 1);
  });

  it('events, webhooks, tracked items and watermarks round-trip', () => {
    s.events.log({ eventType: 'upload', message: 'ok', workItemId: 4, details: { n: 1 } });
    s.events.log({ eventType: 'upload', message: 'bad', severity: 'ERROR', workItemId: 5 });
    assert.deepEqual(s.events.recent(10, 4).map((e) => [e.message, e.details]), [['ok', { n: 1 }]]);
    s.webhooks.upsert({ subscriptionId: 's1', eventType: 'workitem.updated', url: 'http://h', project: 'P', status: 'enabled' });
    s.webhooks.upsert({ subscriptionId: 's1', eventType: 'workitem.updated', url: 'http://h', project: 'P', status: 'disabled' });
    assert.deepEqual(s.webhooks.list('P').map((w) => w.status), ['disabled']);
    assert.equal(s.webhooks.remove('s1'), true);
    s.trackedItems.track({ workItemId: 2, projectName: 'P', title: 'T' });
    s.trackedItems.markChecked(2, 17);
    assert.equal(s.trackedItems.get(2)?.lastRev, 17);
    assert.equal(s.trackedItems.untrack(2), true);
    s.watermarks.set('P', '2026-03-01T00:00:00Z', 'tok');
    assert.equal(s.watermarks.get('P')?.continuationToken, 'tok');
    s.watermarks.set('P', 'w2', null);
    assert.equal(s.watermarks.get('P')?.watermark, 'w2');
  });

  it('history helpers: create, increment counters in one statement, batched items, update stamps duration; audit; stats', () => {
    const run = s.history.create({ trigger: 'poll', projectName: 'P', workItemId: 12 });
    assert.equal(run.status, 'in_progress');
    s.history.increment(run.id, { uploaded: 2, bytesTransferred: 300 });
    s.history.increment(run.id, { uploaded: 1, itemsFailed: 1 });
    s.history.addItems(run.id, [
      { itemName: 'a.pdf', status: 'uploaded', fileSize: 100, workItemId: 12 },
      { itemName: 'b.pdf', status: 'failed', errorCode: 'E', errorMessage: 'too big' },
    ]);
    c.advance(2500);
    s.history.update(run.id, { status: 'completed', totalItems: 2 });
    const done = s.history.get(run.id)!;
    assert.deepEqual([done.uploaded, done.bytesTransferred, done.itemsFailed, done.totalItems], [3, 300, 1, 2]);
    assert.equal(done.durationMs, 2500);
    assert.equal(done.completedAt, '2026-03-01T10:00:02.500Z');
    assert.deepEqual(s.history.items(run.id).map((i) => i.itemName), ['a.pdf', 'b.pdf']);
    s.audit.log({ actionType: 'sync_run', entityType: 'sync_history', entityId: String(run.id), details: { by: 'me' } });
    assert.deepEqual(s.audit.forEntity('sync_history', String(run.id)).map((a) => a.details), [{ by: 'me' }]);
    const st = s.stats();
    assert.equal(st.runs.total, 1);
    assert.equal(st.runs.byStatus.completed, 1);
    assert.deepEqual(st.items, { total: 2, failed: 1 });
    assert.equal(st.bytesTransferred, 300);
  });
});
