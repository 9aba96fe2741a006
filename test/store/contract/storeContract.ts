// One contract for both stores: the same tests run on the embedded sql.js store and on PostgreSQL
// (sqljs.test.ts, postgres.test.ts). What they check is what the coordinator, the server and the
// history answers rely on, through the asynchronous SyncDb interface.
import assert from 'node:assert/strict';
import type { SyncDb } from '../../../src/core/store/syncDb';

export interface Clock { now: Date; advance(ms: number): void }

export function clock(start = '2026-05-01T10:00:00.000Z'): Clock {
  const c: Clock = { now: new Date(start), advance: (ms) => { c.now = new Date(c.now.getTime() + ms); } };
  return c;
}

/** Opens a new, empty store on the clock. */
export type OpenStore = (clock: Clock) => Promise<SyncDb>;

export function storeContract(open: OpenStore): void {
  let db: SyncDb;
  let time: Clock;

  beforeEach(async () => {
    time = clock();
    db = await open(time);
  });
  afterEach(async () => { await db.close(); });

  describe('attachment records', () => {
    it('inserts, finds by guid, sha and work item, and marks synced', async () => {
      const a = await db.attachments.insert({ workItemId: 7, fileName: 'spec.pdf', fileSize: 3_000_000_000, source: 'TOOL', localPath: '/m/7/spec.pdf', sha256: 'aa' });
      assert.equal(a.syncStatus, 'PENDING');
      assert.equal(a.fileSize, 3_000_000_000, 'sizes beyond 32 bits come back as numbers');
      await db.attachments.markSynced(a.id, { attachmentGuid: 'g-1', attachmentUrl: 'http://x/g-1' });
      const synced = await db.attachments.forWorkItemAndGuid(7, 'g-1');
      assert.equal(synced?.syncStatus, 'SYNCED');
      assert.equal(synced?.version, 2);
      assert.equal(synced?.lastSyncedAt, time.now.toISOString());
      assert.equal((await db.attachments.forWorkItemAndSha(7, 'aa'))?.id, a.id);
      assert.deepEqual((await db.attachments.listByGuid('g-1')).map((r) => r.id), [a.id]);
      assert.deepEqual((await db.attachments.bySha256('aa')).map((r) => r.fileName), ['spec.pdf']);
    });

    it('one attachment linked to two work items, once per work item', async () => {
      await db.attachments.insert({ workItemId: 1, fileName: 'a', fileSize: 1, source: 'TOOL', attachmentGuid: 'g', syncStatus: 'SYNCED' });
      await db.attachments.insert({ workItemId: 2, fileName: 'a', fileSize: 1, source: 'TOOL', attachmentGuid: 'g', syncStatus: 'SYNCED' });
      await assert.rejects(db.attachments.insert({ workItemId: 1, fileName: 'a', fileSize: 1, source: 'TOOL', attachmentGuid: 'g' }));
      assert.equal((await db.attachments.listByGuid('g')).length, 2);
    });

    it('the live records of every tracked work item, in one list as forWorkItem gives each', async () => {
      for (const [workItemId, fileName] of [[4, 'd'], [3, 'b'], [3, 'a'], [9, 'untracked']] as const) await db.attachments.insert({ workItemId, fileName, fileSize: 1, source: 'TOOL' });
      const gone = await db.attachments.insert({ workItemId: 4, fileName: 'gone', fileSize: 1, source: 'TOOL' });
      await db.attachments.softDelete(gone.id);
      for (const workItemId of [4, 3]) await db.trackedItems.track({ workItemId, projectName: 'P' });
      const each = [...(await db.attachments.forWorkItem(3)), ...(await db.attachments.forWorkItem(4))];
      assert.deepEqual(await db.attachments.ofTrackedItems(), each);
      assert.deepEqual(each.map((r) => r.fileName), ['b', 'a', 'd']);
    });

    it('soft delete hides a record from the live list and the summary; failures carry their kind', async () => {
      const a = await db.attachments.insert({ workItemId: 3, fileName: 'a', fileSize: 10, source: 'TOOL', syncStatus: 'SYNCED' });
      const b = await db.attachments.insert({ workItemId: 3, fileName: 'b', fileSize: 5, source: 'TOOL' });
      const c = await db.attachments.insert({ workItemId: 3, fileName: 'c', fileSize: 7, source: 'TOOL' });
      await db.attachments.setFailed(b.id, 'too large', 'permanent');
      await db.attachments.softDelete(c.id);
      assert.deepEqual((await db.attachments.forWorkItem(3)).map((r) => r.fileName), ['a', 'b']);
      assert.equal((await db.attachments.forWorkItem(3, true)).length, 3);
      assert.equal((await db.attachments.get(b.id))?.failureKind, 'permanent');
      assert.deepEqual(await db.attachments.summary(3), {
        workItemId: 3, totalAttachments: 2, syncedCount: 1, pendingCount: 0, failedCount: 1, totalSizeBytes: 15, lastModified: time.now.toISOString() });
      assert.equal((await db.attachments.liveContent()).length, 2);
      await db.attachments.restore(c.id);
      await db.attachments.setStatus(c.id, 'SYNCED');
      assert.equal((await db.attachments.get(c.id))?.lastSyncedAt, time.now.toISOString());
      assert.equal(await db.attachments.summary(99), undefined);
      assert.equal(a.source, 'TOOL');
    });
  });

  describe('dirty work items (sync_job_queue)', () => {
    it('marks accumulate reasons and options; a claim leases due rows once', async () => {
      await db.dirtyItems.mark('P', [1, 2, 2], 'feed');
      await db.dirtyItems.mark('P', [1], 'manual', { force: true });
      const one = await db.dirtyItems.get('P', 1);
      assert.deepEqual(one?.reasons, ['feed', 'manual']);
      assert.equal(one?.force, true);
      assert.equal(one?.markSeq, 2);
      const claimed = await db.dirtyItems.claimDue('P', 'w1', 10, 60_000);
      assert.deepEqual(claimed.map((r) => [r.workItemId, r.status, r.leaseOwner]), [[1, 'IN_PROGRESS', 'w1'], [2, 'IN_PROGRESS', 'w1']]);
      assert.deepEqual(await db.dirtyItems.claimDue('P', 'w2', 10, 60_000), [], 'leased rows are not claimed again');
      assert.deepEqual(await db.dirtyItems.claimDue('Q', 'w2', 10, 60_000), [], 'per project');
    });

    it('an expired lease is taken over by another owner', async () => {
      await db.dirtyItems.mark('P', [5], 'feed');
      await db.dirtyItems.claimDue('P', 'dead', 10, 30_000);
      time.advance(29_000);
      assert.equal((await db.dirtyItems.claimDue('P', 'alive', 10, 30_000)).length, 0);
      time.advance(2_000);
      const taken = await db.dirtyItems.claimDue('P', 'alive', 10, 30_000);
      assert.deepEqual(taken.map((r) => [r.workItemId, r.leaseOwner]), [[5, 'alive']]);
    });

    it('complete deletes the row unless it was marked again meanwhile', async () => {
      await db.dirtyItems.mark('P', [1, 2], 'feed');
      const [a, b] = await db.dirtyItems.claimDue('P', 'w', 10, 60_000);
      await db.dirtyItems.mark('P', [2], 'webhook');
      await db.dirtyItems.complete('P', a.workItemId, a.markSeq);
      await db.dirtyItems.complete('P', b.workItemId, b.markSeq);
      assert.equal(await db.dirtyItems.get('P', 1), undefined);
      const again = await db.dirtyItems.get('P', 2);
      assert.equal(again?.status, 'PENDING');
      assert.equal(again?.leaseOwner, null);
    });

    it('fail keeps the item with backoff; block holds it until a user sync or force', async () => {
      await db.dirtyItems.mark('P', [1, 2], 'feed');
      const [a, b] = await db.dirtyItems.claimDue('P', 'w', 10, 60_000);
      const retryAt = new Date(time.now.getTime() + 5000);
      await db.dirtyItems.fail('P', a.workItemId, a.markSeq, { message: 'HTTP 503', code: 'ServiceUnavailable' }, retryAt);
      const failed = await db.dirtyItems.get('P', 1);
      assert.deepEqual([failed?.status, failed?.attempts, failed?.nextRunAt, failed?.lastErrorCode], ['PENDING', 1, retryAt.toISOString(), 'ServiceUnavailable']);
      assert.equal(await db.dirtyItems.nextDueAt('P'), retryAt.toISOString());
      await db.dirtyItems.block('P', b.workItemId, 'max-delete', { removals: 3, total: 4 });
      await db.dirtyItems.mark('P', [2], 'feed');
      assert.equal((await db.dirtyItems.get('P', 2))?.status, 'BLOCKED', 'a background change leaves it blocked');
      assert.deepEqual((await db.dirtyItems.get('P', 2))?.blockedDetails, { removals: 3, total: 4 });
      await db.dirtyItems.mark('P', [2], 'manual');
      assert.equal((await db.dirtyItems.get('P', 2))?.status, 'PENDING');
      assert.equal((await db.dirtyItems.claimDue('P', 'w', 10, 60_000)).map((r) => r.workItemId).join(), '2', 'item 1 waits for its backoff');
    });

    it('a reservation keeps pending items for the owner that waits for them, until it expires', async () => {
      await db.dirtyItems.mark('P', [1], 'manual', { reserve: { owner: 'asker', leaseMs: 10_000 } });
      await db.dirtyItems.mark('P', [2], 'feed');
      assert.deepEqual((await db.dirtyItems.claimDue('P', 'other', 10, 60_000)).map((r) => r.workItemId), [2]);
      assert.deepEqual((await db.dirtyItems.claimDue('P', 'asker', 10, 60_000)).map((r) => [r.workItemId, r.leaseOwner]), [[1, 'asker']]);
      await db.dirtyItems.mark('P', [3], 'manual', { reserve: { owner: 'asker', leaseMs: 10_000 } });
      time.advance(10_001);
      assert.deepEqual((await db.dirtyItems.claimDue('P', 'other', 10, 60_000)).map((r) => r.workItemId), [3], 'taken over once the reservation expired');
    });

    it('a live owner renews its leases: they do not expire while it lives', async () => {
      await db.dirtyItems.mark('P', [1, 2], 'feed');
      await db.dirtyItems.claimDue('P', 'alive', 1, 30_000);
      time.advance(20_000);
      assert.equal(await db.dirtyItems.renew('P', 'alive', 30_000), 1);
      time.advance(20_000);
      assert.deepEqual((await db.dirtyItems.claimDue('P', 'other', 10, 30_000)).map((r) => r.workItemId), [2], 'item 1 is still held');
    });

    it('a reserved item comes back to its reserver after another owner\'s processing and after a failure', async () => {
      await db.dirtyItems.mark('P', [1], 'feed');
      const [busy] = await db.dirtyItems.claimDue('P', 'other', 10, 30_000);
      // Asked for while another process syncs it.
      await db.dirtyItems.mark('P', [1], 'attach', { reserve: { owner: 'asker', leaseMs: 30_000 } });
      await db.dirtyItems.complete('P', 1, busy.markSeq);
      assert.deepEqual(await db.dirtyItems.claimDue('P', 'other', 10, 30_000), [], 'marked again: pending, but reserved');
      const [mine] = await db.dirtyItems.claimDue('P', 'asker', 10, 30_000);
      assert.equal(mine?.workItemId, 1);
      await db.dirtyItems.fail('P', 1, mine.markSeq, { message: 'HTTP 503' }, time.now);
      assert.deepEqual(await db.dirtyItems.claimDue('P', 'other', 10, 30_000), []);
      assert.equal((await db.dirtyItems.claimDue('P', 'asker', 10, 30_000)).length, 1);
      time.advance(30_001);
      // Without an owner: every lease on sql.js (one writer), the expired ones on PostgreSQL.
      assert.equal(await db.dirtyItems.release('P'), 1);
      assert.equal((await db.dirtyItems.get('P', 1))?.status, 'PENDING');
    });

    it('a live reservation is not taken over by another asker; the reserver\'s completed processing ends it', async () => {
      await db.dirtyItems.mark('P', [1], 'attach', { reserve: { owner: 'first', leaseMs: 30_000 } });
      await db.dirtyItems.mark('P', [1], 'attach', { reserve: { owner: 'second', leaseMs: 30_000 } });
      assert.equal((await db.dirtyItems.get('P', 1))?.reservedBy, 'first');
      assert.deepEqual(await db.dirtyItems.claimDue('P', 'second', 10, 30_000), [], 'the first asker claims first');
      const [row] = await db.dirtyItems.claimDue('P', 'first', 10, 30_000);
      await db.dirtyItems.mark('P', [1], 'attach', { reserve: { owner: 'second', leaseMs: 30_000 } });
      await db.dirtyItems.complete('P', 1, row.markSeq);
      const after = await db.dirtyItems.get('P', 1);
      assert.equal(after?.status, 'PENDING', 'marked again meanwhile: due again');
      assert.equal(after?.reservedBy, null, 'served: the reservation ended');
      assert.equal((await db.dirtyItems.claimDue('P', 'second', 10, 30_000)).length, 1);
    });

    it('release gives an owner\'s leases back; exclude skips items in hand', async () => {
      await db.dirtyItems.mark('P', [1, 2, 3], 'feed');
      assert.deepEqual((await db.dirtyItems.claimDue('P', 'w', 10, 60_000, new Set([2]))).map((r) => r.workItemId), [1, 3]);
      assert.equal(await db.dirtyItems.release('P', 'other'), 0);
      assert.equal(await db.dirtyItems.release('P', 'w'), 2);
      assert.equal((await db.dirtyItems.list('P')).every((r) => r.status === 'PENDING'), true);
      await db.dirtyItems.remove('P', 3);
      assert.deepEqual((await db.dirtyItems.list('P')).map((r) => r.workItemId), [1, 2]);
    });
  });

  describe('transactions', () => {
    it('all writes or none', async () => {
      await assert.rejects(db.transaction(async (tx) => {
        await tx.dirtyItems.mark('P', [1], 'feed');
        await tx.watermarks.set('P', 'w1', null);
        throw new Error('boom');
      }), /boom/);
      assert.equal(await db.dirtyItems.get('P', 1), undefined);
      assert.equal(await db.watermarks.get('P'), undefined);
      await db.transaction(async (tx) => {
        await tx.dirtyItems.mark('P', [1], 'feed');
        await tx.watermarks.set('P', 'w1', 'ct');
      });
      assert.equal((await db.watermarks.get('P'))?.continuationToken, 'ct');
      assert.equal((await db.dirtyItems.get('P', 1))?.reasons[0], 'feed');
    });

    it('a write from outside during a transaction is not rolled back with it', async () => {
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => { inside = resolve; });
      let go!: () => void;
      const release = new Promise<void>((resolve) => { go = resolve; });
      const failing = db.transaction(async (tx) => {
        await tx.trackedItems.track({ workItemId: 1, projectName: 'P' });
        inside();
        await release;
        throw new Error('rolled back');
      });
      await entered;
      const outside = db.trackedItems.track({ workItemId: 2, projectName: 'P' });
      go();
      await assert.rejects(failing, /rolled back/);
      await outside;
      assert.deepEqual((await db.trackedItems.list('P')).map((t) => t.workItemId), [2]);
    });
  });

  describe('history', () => {
    it('runs, items, counters, completion and keyset pages with filters', async () => {
      const runs = [];
      for (let i = 0; i < 5; i++) {
        const run = await db.history.create({ trigger: i % 2 ? 'poll' : 'manual', workItemId: 10 + i, projectName: 'P', startedAt: `2026-05-01T0${i}:00:00.000Z` });
        await db.history.addItems(run.id, [{ itemName: `doc-${i}.pdf`, status: 'uploaded', workItemId: 10 + i, fileSize: 100 }, { itemName: `bad_${i}.txt`, status: 'failed', errorCode: 'TF401019', errorMessage: 'No Access' }]);
        await db.history.increment(run.id, { uploaded: 1, itemsFailed: 1, bytesTransferred: 5_000_000_000 });
        runs.push(run);
      }
      time.advance(1500);
      await db.history.update(runs[4].id, { status: 'failed', errorMessage: 'stopped' });
      const done = await db.history.get(runs[4].id);
      assert.equal(done?.status, 'failed');
      assert.equal(done?.completedAt, time.now.toISOString());
      assert.equal(typeof done?.durationMs, 'number');
      assert.equal(done?.bytesTransferred, 5_000_000_000);
      assert.equal(done?.uploaded, 1);
      assert.deepEqual((await db.history.items(runs[0].id)).map((i) => [i.itemName, i.status, i.errorCode]), [['doc-0.pdf', 'uploaded', null], ['bad_0.txt', 'failed', 'TF401019']]);

      const first = await db.history.page({}, 2);
      assert.deepEqual(first.rows.map((r) => r.workItemId), [14, 13]);
      assert.equal(first.total, 5);
      const second = await db.history.page({}, 2, first.nextCursor);
      assert.deepEqual(second.rows.map((r) => r.workItemId), [12, 11]);
      const third = await db.history.page({}, 2, second.nextCursor);
      assert.deepEqual(third.rows.map((r) => r.workItemId), [10]);
      assert.equal(third.nextCursor, null);

      assert.equal((await db.history.page({ trigger: 'poll' })).total, 2);
      assert.equal((await db.history.page({ status: ['failed'] })).total, 1);
      assert.equal((await db.history.page({ workItemId: 12 })).rows[0]?.workItemId, 12);
      assert.equal((await db.history.page({ from: '2026-05-01T02:00:00.000Z', to: '2026-05-01T03:00:00.000Z' })).total, 2);
      assert.deepEqual((await db.history.page({ text: 'doc-3' })).rows.map((r) => r.workItemId), [13]);
      assert.equal((await db.history.page({ text: 'no access' })).total, 5, 'case-insensitive');
      assert.equal((await db.history.page({ text: 'bad_%' })).total, 0, 'LIKE wildcards are literal');
      assert.equal((await db.history.page({ text: 'stopped' })).total, 1, "the run's own error");
      assert.equal(await db.history.count({ kind: 'attachment_sync' }), 5);
      assert.deepEqual(await db.history.dailyCounts('2026-05-01T00:00:00.000Z', '2026-05-02T00:00:00.000Z'),
        [{ day: '2026-05-01', status: 'failed', count: 1 }, { day: '2026-05-01', status: 'in_progress', count: 4 }]);
      assert.equal(await db.history.pruneBefore('2026-05-01T02:00:00.000Z'), 2);
      assert.equal(await db.history.count(), 3);
    });

    it('a run whose owner stopped renewing its lease is ended as interrupted; a live owner\'s run and a run without a lease are not', async () => {
      const lease = (owner: string) => ({ owner, leaseMs: 30_000 });
      const alive = await db.history.create({ lease: lease('alive') });
      const dead = await db.history.create({ lease: lease('dead') });
      const unowned = await db.history.create({});
      const done = await db.history.create({ lease: lease('dead') });
      await db.history.update(done.id, { status: 'completed' });
      const imported = await db.history.create({ kind: 'backlog_import', lease: lease('importer') });
      time.advance(20_000);
      assert.equal(await db.history.renewLeases('alive', 30_000), 1);
      assert.equal(await db.history.interruptAbandoned({ kind: 'attachment_sync', expiredOnly: true }), 0, 'no lease has run out yet');
      time.advance(20_000);
      // Two processes notice it at once: it is ended once.
      const ended = await Promise.all([1, 2].map(() => db.history.interruptAbandoned({ kind: 'attachment_sync', expiredOnly: true })));
      assert.equal(ended[0] + ended[1], 1);
      const status = async (id: number) => {
        const r = await db.history.get(id);
        return [r?.status, r?.errorMessage, r?.completedAt, r?.durationMs];
      };
      assert.deepEqual(await status(dead.id), ['failed', 'interrupted', time.now.toISOString(), 40_000]);
      assert.deepEqual((await status(alive.id)).slice(0, 2), ['in_progress', null]);
      assert.deepEqual((await status(unowned.id)).slice(0, 2), ['in_progress', null], 'nobody can tell whether its owner lives');
      assert.deepEqual((await status(done.id)).slice(0, 2), ['completed', null]);
      assert.deepEqual((await status(imported.id)).slice(0, 2), ['in_progress', null], 'another kind');
      assert.equal(await db.history.renewLeases('dead', 30_000), 0, 'an ended run is not renewed');
      assert.equal((await db.history.page({ text: 'interrupted' })).total, 1, 'found by its error');
      // One writer (sql.js's lock): every open run of the kind was a process that died.
      assert.equal(await db.history.interruptAbandoned({ kind: 'attachment_sync', expiredOnly: false }), 2);
      assert.deepEqual([(await status(alive.id))[1], (await status(unowned.id))[1], (await status(imported.id))[0]], ['interrupted', 'interrupted', 'in_progress']);
    });

    it('the attach requests nobody waits for any more are failed: not those of a process with a live run, nor fresh ones, nor carried out ones', async () => {
      const lease = (owner: string) => ({ owner, leaseMs: 30_000 });
      await db.history.create({ lease: lease('alive') });
      const done = await db.history.create({ lease: lease('gone') });
      await db.history.update(done.id, { status: 'completed' });
      const request = (fileName: string, requestedBy: string | null) => db.attachments.insert({ workItemId: 5, fileName, fileSize: 1, source: 'TOOL', localPath: `/m/5/${fileName}`, requestedBy });
      const alive = await request('alive.bin', 'alive');
      const gone = await request('gone.bin', 'gone');
      const sent = await request('sent.bin', 'gone');
      await db.attachments.markSynced(sent.id, { attachmentGuid: 'g-sent', attachmentUrl: 'u' });
      const nobody = await request('cli.bin', null);
      time.advance(20_000);
      await db.history.renewLeases('alive', 30_000);
      time.advance(20_000);
      const fresh = await request('fresh.bin', 'gone');
      assert.equal(await db.attachments.failAbandonedRequests(new Date(time.now.getTime() - 30_000).toISOString()), 1);
      const state = async (id: number) => {
        const r = await db.attachments.get(id);
        return `${r?.syncStatus} ${r?.failureKind}`;
      };
      assert.deepEqual([await state(alive.id), await state(gone.id), await state(sent.id), await state(nobody.id), await state(fresh.id)],
        ['PENDING null', 'FAILED permanent', 'SYNCED null', 'PENDING null', 'PENDING null']);
      assert.match((await db.attachments.get(gone.id))?.errorMessage ?? '', /send it again/);
      await db.attachments.reopenRequest(gone.id, 'again');
      assert.deepEqual([await state(gone.id), (await db.attachments.get(gone.id))?.requestedBy], ['PENDING null', 'again']);
    });

    it('audit entries and events keep their details', async () => {
      await db.audit.log({ actionType: 'sync_started', entityType: 'sync', entityId: '1', details: { trigger: 'manual', ids: [1, 2] }, host: 'h' });
      await db.audit.log({ actionType: 'sync_completed', entityType: 'sync', entityId: '1' });
      assert.deepEqual((await db.audit.recent(10)).map((a) => a.actionType), ['sync_completed', 'sync_started']);
      assert.deepEqual((await db.audit.forEntity('sync', '1'))[0]?.details, { trigger: 'manual', ids: [1, 2] });
      await db.events.log({ eventType: 'upload', message: 'ok', workItemId: 4, details: { n: 1 } });
      await db.events.log({ eventType: 'upload', message: 'x', severity: 'ERROR' });
      assert.deepEqual((await db.events.recent(10, 4)).map((e) => [e.message, e.details]), [['ok', { n: 1 }]]);
      time.advance(86_400_000);
      assert.equal(await db.audit.pruneBefore(time.now.toISOString()), 2);
      assert.equal(await db.events.pruneBefore(time.now.toISOString()), 2);
    });
  });

  describe('the rest serve needs', () => {
    it('api tokens: created once per live name, verified by hash, revoked', async () => {
      const { token, row } = await db.apiTokens.create('ci');
      assert.match(token, /^ados_/);
      await assert.rejects(db.apiTokens.create('ci'), /exists already/);
      await assert.rejects(db.apiTokens.create('bad name'), /token name/);
      assert.equal((await db.apiTokens.verify(token))?.id, row.id);
      assert.equal(await db.apiTokens.verify(`${token}x`), undefined);
      assert.equal((await db.apiTokens.revoke('ci'))?.revokedAt, time.now.toISOString());
      assert.equal(await db.apiTokens.verify(token), undefined);
      assert.equal((await db.apiTokens.create('ci')).row.name, 'ci', 'a revoked token frees its name');
      assert.equal((await db.apiTokens.list()).length, 2);
      assert.equal((await db.apiTokens.live()).length, 1);
    });

    it('upload sessions: resumable until they expire', async () => {
      const s = await db.uploadSessions.create({ sessionUuid: 'u1', workItemId: 7, filePath: '/m/f', fileName: 'f', totalSize: 10_000_000_000, chunkSize: 4_000_000, sha256: 'ab' });
      assert.equal(s.totalChunks, 2500);
      await db.uploadSessions.recordChunk('u1', 4_000_000, 'h1');
      await db.uploadSessions.setProgress('u1', 9_000_000_000, 'h2', 'ACTIVE');
      const got = await db.uploadSessions.get('u1');
      assert.deepEqual([got?.chunksReceived, got?.nextByte, got?.sentSha256], [2250, 9_000_000_000, 'h2']);
      assert.equal((await db.uploadSessions.findResumable(7, '/m/f', 'ab'))?.sessionUuid, 'u1');
      assert.equal((await db.uploadSessions.active(7)).length, 1);
      time.advance(25 * 3600_000);
      assert.equal(await db.uploadSessions.findResumable(7, '/m/f', 'ab'), undefined);
      assert.equal(await db.uploadSessions.expireStale(), 1);
      await db.uploadSessions.setStatus('u1', 'COMPLETED');
      assert.equal((await db.uploadSessions.get('u1'))?.status, 'COMPLETED');
    });

    it('de-duplication index: first writer wins per collection', async () => {
      const first = await db.dedup.remember({ collectionUrl: 'c1', sha256Hash: 'h', attachmentGuid: 'g1', attachmentUrl: 'u1', fileSize: 3, firstWorkItemId: 1 });
      const second = await db.dedup.remember({ collectionUrl: 'c1', sha256Hash: 'h', attachmentGuid: 'g2', attachmentUrl: 'u2', fileSize: 3, firstWorkItemId: 2 });
      assert.equal(second.attachmentGuid, first.attachmentGuid);
      await db.dedup.remember({ collectionUrl: 'c2', sha256Hash: 'h', attachmentGuid: 'g3', attachmentUrl: 'u3', fileSize: 3, firstWorkItemId: 3 });
      assert.equal((await db.dedup.findAll('h')).length, 2);
      assert.equal(await db.dedup.contentOf('g3'), 'h');
      await db.dedup.forget('c1', 'h');
      assert.equal(await db.dedup.find('c1', 'h'), undefined);
    });

    it('webhook subscriptions: recorded once per id, updated, listed per project, removed', async () => {
      await db.webhooks.upsert({ subscriptionId: 's2', eventType: 'workitem.updated', url: 'https://hooks/a', project: 'P', status: 'enabled' });
      time.advance(1000);
      await db.webhooks.upsert({ subscriptionId: 's1', eventType: 'workitem.created', url: 'https://hooks/a', project: 'P', status: 'enabled' });
      await db.webhooks.upsert({ subscriptionId: 's3', eventType: 'workitem.created', url: 'https://hooks/b', project: null, status: 'enabled' });
      await db.webhooks.upsert({ subscriptionId: 's2', eventType: 'workitem.updated', url: 'https://hooks/c', project: 'P', status: 'disabledByUser' });
      assert.deepEqual(await db.webhooks.get('s2'), { subscriptionId: 's2', eventType: 'workitem.updated', url: 'https://hooks/c', project: 'P',
        status: 'disabledByUser', createdAt: '2026-05-01T10:00:00.000Z' }, 'updated in place, created when first recorded');
      assert.deepEqual((await db.webhooks.list()).map((w) => w.subscriptionId), ['s2', 's1', 's3']);
      assert.deepEqual((await db.webhooks.list('P')).map((w) => w.subscriptionId), ['s2', 's1']);
      assert.equal(await db.webhooks.remove('s2'), true);
      assert.equal(await db.webhooks.remove('s2'), false);
      assert.equal(await db.webhooks.get('s2'), undefined);
    });

    it('tracked items and the feed position', async () => {
      await db.trackedItems.track({ workItemId: 2, projectName: 'P', title: 'Two' });
      await db.trackedItems.track({ workItemId: 1, projectName: 'P' });
      await db.trackedItems.track({ workItemId: 2, projectName: 'P' });
      assert.equal((await db.trackedItems.get(2))?.title, 'Two', 'a later track without a title keeps it');
      await db.trackedItems.markChecked(1, 9);
      assert.deepEqual((await db.trackedItems.list('P')).map((t) => [t.workItemId, t.lastRev]), [[1, 9], [2, null]]);
      assert.equal(await db.trackedItems.untrack(2), true);
      assert.equal(await db.trackedItems.untrack(2), false);
      await db.watermarks.set('P', '2026-05-01T00:00:00Z', null);
      await db.watermarks.set('P', '2026-05-02T00:00:00Z', 'next');
      assert.deepEqual(await db.watermarks.get('P'), { projectName: 'P', watermark: '2026-05-02T00:00:00Z', continuationToken: 'next', updatedAt: time.now.toISOString() });
    });
  });
}
