import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { markerOf } from '../../src/core/sync/contentMarker';
import { sha256, SyncWorld } from './support';

describe('sync engine on the emulator and a real store', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  beforeEach(async () => { w = await new SyncWorld().start(); });
  afterEach(async () => { await w.stop(); });

  it('attaches files (simple and chunked), linked once with the sha256 marker, bytes equal in ADO', async () => {
    const small = w.randomFile('evidence/a.bin', 1000);
    const big = w.randomFile('evidence/big.bin', 200 * 1024 + 17);
    const run = await w.engine.attach({ files: ['evidence/a.bin', big.path], workItemId: 5, comment: 'from the test' });
    assert.equal(run.status, 'completed');
    assert.deepEqual(run.items.map((i) => i.status).sort(), ['uploaded', 'uploaded']);
    const rels = await w.relations(5);
    assert.equal(rels.length, 2);
    const state = await w.state();
    for (const f of [small, big]) {
      const rel = rels.find((r) => markerOf(r.attributes.comment) === f.sha256);
      assert.ok(rel, 'relation with the marker');
      assert.match(rel.attributes.comment ?? '', /^from the test \[sha256:/);
      const blob = state.attachments.find((a) => rel.url.endsWith(a.id));
      assert.equal(blob?.sha256, f.sha256, 'bytes equal on the emulator side');
    }
    assert.ok(state.attachments.some((a) => (a as { chunked?: boolean }).chunked), 'the big file went chunked');
    const history = w.store.history.get(run.runId);
    assert.equal(history?.status, 'completed');
    assert.equal(history?.uploaded, 2);
    assert.equal(w.store.history.items(run.runId).length, 2);
    assert.deepEqual(w.engine.trackedIds(), [5], 'attaching tracks the work item');
  });

  it('skips the same content on the same item and links (no upload) on another item', async () => {
    const f = w.randomFile('x.bin', 5000);
    await w.engine.attach({ files: [f.path], workItemId: 5 });
    const blobsBefore = (await w.state()).attachments.length;
    const again = await w.engine.attach({ files: [f.path, 'x.bin'], workItemId: 5 });
    assert.equal(again.items.length, 1, 'a file named twice is one item');
    assert.equal(again.items[0].status, 'duplicate');
    const other = await w.engine.attach({ files: [f.path], workItemId: 6 });
    assert.equal(other.items[0].status, 'linked');
    assert.equal((await w.state()).attachments.length, blobsBefore, 'no second upload');
    assert.equal((await w.relations(5)).length, 1);
    assert.equal((await w.relations(6)).length, 1);
    assert.equal(w.store.history.get(again.runId)?.skippedDuplicate, 1);
  });

  it('fails one bad file with a clear reason and goes on with the others', async () => {
    const ok = w.randomFile('ok.bin', 100);
    w.randomFile('huge.bin', 3000);
    const run = await w.engine.attach({ files: [ok.path, 'huge.bin', 'missing.txt'], workItemId: 5 });
    const by = Object.fromEntries(run.items.map((i) => [i.fileName, i]));
    assert.equal(by['ok.bin'].status, 'uploaded');
    assert.equal(by['missing.txt'].status, 'failed');
    assert.equal(by['missing.txt'].error?.code, 'FileNotFound');
    assert.equal(run.status, 'failed');
    assert.equal(w.store.history.get(run.runId)?.itemsFailed, 1);
    // Over the configured limit: refused before any byte is sent.
    await w.reopen({ maxFileSize: 1000 });
    const tooBig = await w.engine.attach({ files: ['huge.bin'], workItemId: 5 });
    assert.equal(tooBig.items[0].error?.code, 'FileTooLarge');
    assert.match(tooBig.items[0].error?.message ?? '', /ATTACHMENT_MAX_FILE_SIZE/);
  });

  it('reports the service error when ADO refuses the size (TF237082), simple and chunked, without retrying', async () => {
    await w.stop();
    w = await new SyncWorld().start({ maxAttachmentSize: 1_000_000 });
    // Bodies larger than the socket buffers: a server that answered early and closed would reset them.
    w.randomFile('big.bin', 3_000_000); // simple: under the 4 MiB chunk size, over the server's 1 MB
    w.randomFile('chunked.bin', 9 * 1024 * 1024);
    await w.reopen({ chunkSize: 4 * 1024 * 1024 });
    const run = await w.engine.attach({ files: ['big.bin', 'chunked.bin'], workItemId: 5 });
    for (const item of run.items) {
      assert.equal(item.status, 'failed', item.fileName);
      assert.match(`${item.error?.code} ${item.error?.message}`, /TF237082/, `${item.fileName}: the server's reason, not a reset`);
    }
    const stats = (await (await fetch(`http://127.0.0.1:${w.emulator.port}/_emulator/stats`)).json()) as { routes: Record<string, { count: number }> };
    assert.equal(stats.routes['PUT /_apis/wit/attachments/{id}']?.count, 1, 'the refused chunk is not sent again');
  });

  it('downloads what colleagues attach, once; a local change goes up as a new version', async () => {
    await w.engine.track([4]);
    const first = await w.engine.sync();
    assert.deepEqual(first.items.map((i) => `${i.fileName}:${i.status}`).sort(), ['repro.md:downloaded', 'trace.log:downloaded']);
    assert.ok(fs.readFileSync(path.join(w.mirror, '4', 'repro.md'), 'utf8').startsWith('# Repro'));
    const second = await w.engine.sync();
    assert.equal(second.items.length, 0, 'nothing to do the second time');

    await w.colleagueAttaches(4, 'screenshot.txt', 'pixels');
    fs.writeFileSync(path.join(w.mirror, '4', 'trace.log'), 'ERROR rounding 0.005\nmore lines\n');
    const third = await w.engine.sync();
    assert.deepEqual(third.items.map((i) => `${i.fileName}:${i.status}`).sort(), ['screenshot.txt:downloaded', 'trace.log:uploaded']);
    const rels = await w.relations(4);
    assert.equal(rels.filter((r) => r.attributes.name === 'trace.log').length, 2, 'the older version stays');
    assert.equal((await w.engine.sync()).items.length, 0, 'converged');
  });

  it('replace: a changed file replaces its previous version in ADO, the file stays', async () => {
    await w.engine.track([5]);
    w.file('.ado-attachments/5/spec.txt', 'v1');
    await w.engine.sync();
    w.file('.ado-attachments/5/spec.txt', 'v2');
    const run = await w.engine.sync({ replace: true });
    assert.deepEqual(run.items.map((i) => `${i.fileName}:${i.status}`).sort(), ['spec.txt:removed', 'spec.txt:uploaded']);
    const rels = await w.relations(5);
    assert.deepEqual(rels.map((r) => markerOf(r.attributes.comment)), [sha256('v2')]);
    assert.equal((await w.engine.sync()).items.length, 0, 'converged');
  });

  it('keeps both when a different local file holds the name of a new remote one', async () => {
    await w.engine.track([5]);
    w.file('.ado-attachments/5/notes.txt', 'mine');
    await w.colleagueAttaches(5, 'notes.txt', 'theirs');
    const run = await w.engine.sync();
    const conflict = run.items.find((i) => i.status === 'conflict');
    assert.ok(conflict, JSON.stringify(run.items));
    assert.match(conflict.fileName, /^notes \(conflict .* from ADO\)\.txt$/);
    assert.equal(fs.readFileSync(path.join(w.mirror, '5', 'notes.txt'), 'utf8'), 'mine', 'the local file is untouched');
    assert.equal(fs.readFileSync(conflict.localPath!, 'utf8'), 'theirs');
    assert.ok(run.items.some((i) => `${i.fileName}:${i.status}` === 'notes.txt:uploaded'), `the local one goes up once compared: ${JSON.stringify(run.items)}`);
    assert.equal((await w.engine.sync()).items.length, 0, 'converged in one sync');
  });

  it('conflict policies: preferLocal leaves the remote version in ADO, preferRemote moves the local file aside; nothing is lost', async () => {
    // A colleague using ado-sync attached "plan.txt" (with its marker) while ours differs.
    const theirs = async (id: number, content: string) => w.colleagueAttaches(id, 'plan.txt', content, `[sha256:${sha256(content)}]`);
    await w.reopen({ conflictPolicy: 'preferLocal' });
    await w.engine.track([5, 6]);
    w.file('.ado-attachments/5/plan.txt', 'mine');
    await theirs(5, 'theirs');
    const local = await w.engine.sync({ workItemIds: [5] });
    assert.deepEqual(local.items.map((i) => `${i.fileName}:${i.status}`).sort(), ['plan.txt:conflict', 'plan.txt:uploaded']);
    assert.deepEqual(fs.readdirSync(path.join(w.mirror, '5')), ['plan.txt']);
    assert.equal(fs.readFileSync(path.join(w.mirror, '5', 'plan.txt'), 'utf8'), 'mine');
    assert.equal((await w.engine.sync({ workItemIds: [5] })).items.length, 0, 'not offered again');

    await w.reopen({ conflictPolicy: 'preferRemote' });
    w.file('.ado-attachments/6/plan.txt', 'mine');
    await theirs(6, 'theirs');
    const remote = await w.engine.sync({ workItemIds: [6] });
    assert.equal(fs.readFileSync(path.join(w.mirror, '6', 'plan.txt'), 'utf8'), 'theirs');
    const aside = fs.readdirSync(path.join(w.mirror, '6')).find((n) => n !== 'plan.txt')!;
    assert.match(aside, /^plan \(conflict .* from local\)\.txt$/);
    assert.equal(fs.readFileSync(path.join(w.mirror, '6', aside), 'utf8'), 'mine');
    // Its content went up for item 5 already: linked, not sent again, in the same sync.
    assert.deepEqual(remote.items.map((i) => `${i.fileName}:${i.status}`), ['plan.txt:conflict', `${aside}:linked`], 'the local version goes up under its new name');
    assert.equal((await w.engine.sync({ workItemIds: [6] })).items.length, 0, 'converged');
  });

  it('marks a relation removed in ADO and keeps the file; the max-delete brake stops a mass removal', async () => {
    await w.engine.track([4]);
    await w.engine.sync();
    await w.removeRelation(4, 'repro.md');
    const one = await w.engine.sync();
    assert.deepEqual(one.items.map((i) => i.status), ['remote_removed']);
    assert.ok(fs.existsSync(path.join(w.mirror, '4', 'repro.md')), 'never deletes the local file');

    for (const name of ['a.txt', 'b.txt', 'c.txt']) await w.colleagueAttaches(4, name, name);
    await w.engine.sync();
    for (const name of ['trace.log', 'a.txt', 'b.txt']) await w.removeRelation(4, name);
    const braked = await w.engine.sync();
    assert.equal(braked.status, 'failed');
    assert.match(braked.error?.message ?? '', /3 of its 4 synced attachments are gone/);
    assert.deepEqual(braked.items.map((i) => i.status), ['blocked'], 'nothing marked');
    assert.equal(w.store.dirtyItems.get('Demo', 4)?.status, 'BLOCKED');
    await w.reopen({ maxDeleteShare: 1 });
    assert.equal((await w.engine.sync()).counters.remoteRemoved, 3);
  });

  it('never duplicates a relation when the database is deleted between syncs', async () => {
    await w.engine.track([4]);
    w.file('.ado-attachments/4/new.txt', 'local content');
    await w.engine.sync();
    const before = (await w.relations(4)).length;
    await w.engine.close();
    w.store.close();
    fs.rmSync(w.dbPath);
    await w.open();
    await w.engine.track([4]);
    const again = await w.engine.sync();
    assert.equal((await w.relations(4)).length, before, 'no duplicate relation');
    assert.ok(again.items.every((i) => i.status !== 'uploaded'), JSON.stringify(again.items));
    assert.ok(w.store.attachments.forWorkItem(4).length >= 3, 'state rebuilt from ADO');
  });

  it('downloads one attachment on request; twice keeps one file; a different local file is kept beside it', async () => {
    const rel = (await w.relations(4)).find((r) => r.attributes.name === 'repro.md')!;
    const id = rel.url.split('/').pop()!;
    const first = await w.engine.download(4, id);
    assert.equal(first.status, 'downloaded');
    assert.equal((await w.engine.download(4, id)).status, 'duplicate', 'the same content is not written twice');
    fs.writeFileSync(path.join(w.mirror, '4', 'repro.md'), 'my own notes');
    const third = await w.engine.download(4, id);
    assert.equal(third.status, 'conflict');
    assert.equal(fs.readFileSync(path.join(w.mirror, '4', 'repro.md'), 'utf8'), 'my own notes');
    await assert.rejects(w.engine.download(4, '00000000-0000-0000-0000-000000000000'), { name: 'SyncRequestError', code: 'AttachmentNotOnWorkItem' });
    await assert.rejects(w.engine.track([99999]), { name: 'SyncRequestError', code: 'WorkItemNotFound' });
  });

  it('polls only changed items through the reporting revisions feed, and through WIQL where the feed is refused', async () => {
    await w.engine.track([3, 4, 5]);
    await w.engine.poll(); // first poll: everything, and the feed position
    const batches = async () => ((await (await fetch(`http://127.0.0.1:${w.emulator.port}/_emulator/stats`)).json()) as { routes: Record<string, { count: number }> }).routes;
    await w.colleagueAttaches(5, 'new.txt', 'new');
    const before = await batches();
    const viaFeed = await w.engine.poll();
    assert.deepEqual(viaFeed?.items.map((i) => `${i.workItemId}/${i.fileName}:${i.status}`), ['5/new.txt:downloaded']);
    const after = await batches();
    assert.equal((after['GET /_apis/wit/reporting/workitemrevisions']?.count ?? 0) - (before['GET /_apis/wit/reporting/workitemrevisions']?.count ?? 0), 1);

    // A server (or user) without the feed: 404 on it, and the poll falls back to WIQL on ChangedDate.
    await fetch(`http://127.0.0.1:${w.emulator.port}/_emulator/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ rules: [{ kinds: ['404'], rate: 1, route: 'reporting/workitemrevisions' }] }) });
    await new Promise((r) => setTimeout(r, 20));
    await w.colleagueAttaches(3, 'later.txt', 'later');
    const wiqlBefore = (await batches())['POST /_apis/wit/wiql']?.count ?? 0;
    const viaWiql = await w.engine.poll();
    assert.deepEqual(viaWiql?.items.map((i) => `${i.workItemId}/${i.fileName}:${i.status}`), ['3/later.txt:downloaded'], w.logs.join('\n'));
    assert.ok(((await batches())['POST /_apis/wit/wiql']?.count ?? 0) > wiqlBefore, 'WIQL was asked');
    assert.ok(w.logs.some((l) => /using WIQL/.test(l)));
  });

  it('runs started together take turns: the same new file is neither uploaded twice nor downloaded twice', async () => {
    await w.engine.track([5]);
    w.file('.ado-attachments/5/both.txt', 'local');
    await w.colleagueAttaches(5, 'remote.txt', 'remote');
    const runs = await Promise.all([w.engine.poll(), w.engine.sync({ trigger: 'webhook', workItemIds: [5] }), w.engine.sync()]);
    const statuses = runs.flatMap((r) => (r?.items ?? []).map((i) => `${i.fileName}:${i.status}`)).sort();
    assert.deepEqual(statuses, ['both.txt:uploaded', 'remote.txt:downloaded']);
    assert.equal((await w.relations(5)).filter((r) => r.attributes.name === 'both.txt').length, 1);
    assert.deepEqual(fs.readdirSync(path.join(w.mirror, '5')).sort(), ['both.txt', 'remote.txt']);
  });

  it('plans without doing (dry run)', async () => {
    await w.engine.track([4]);
    w.file('.ado-attachments/4/plan.txt', 'p');
    const plan = await w.engine.plan();
    assert.deepEqual(plan.map((a) => `${a.kind}:${a.fileName}`).sort(), ['download:repro.md', 'download:trace.log', 'upload:plan.txt']);
    assert.equal((await w.relations(4)).length, 2, 'nothing uploaded');
    assert.equal(fs.existsSync(path.join(w.mirror, '4', 'repro.md')), false, 'nothing downloaded');
  });

  it('cancels a run: recorded as cancelled', async () => {
    for (let i = 0; i < 6; i++) w.randomFile(`c${i}.bin`, 150 * 1024);
    const controller = new AbortController();
    w.engine.events.on('itemProgress', () => controller.abort());
    const run = await w.engine.attach({ files: Array.from({ length: 6 }, (_, i) => `c${i}.bin`), workItemId: 5, signal: controller.signal });
    assert.equal(run.status, 'cancelled');
    assert.equal(w.store.history.get(run.runId)?.status, 'cancelled');
    assert.ok(run.items.some((i) => i.status === 'cancelled'));
    assert.equal(w.store.attachments.forWorkItem(5).filter((r) => r.syncStatus === 'FAILED').length, 0, 'cancelled is not failed');
  });

  it('marks runs left in progress by a crash as failed "interrupted"', async () => {
    const row = w.store.history.create({ trigger: 'manual' });
    assert.equal(await w.engine.recoverInterrupted(), 1);
    assert.equal(w.store.history.get(row.id)?.status, 'failed');
    assert.equal(w.store.history.get(row.id)?.errorMessage, 'interrupted');
  });

  it('removes from the work item only on request, soft-deletes local records', async () => {
    const f = w.randomFile('r.bin', 10);
    const run = await w.engine.attach({ files: [f.path], workItemId: 5 });
    const id = run.items[0].attachmentId!;
    assert.equal(await w.engine.deleteLocalRecord(id), true);
    assert.equal((await w.relations(5)).length, 1, 'soft delete leaves ADO alone');
    const removed = await w.engine.removeFromWorkItem(5, id);
    assert.equal(removed.status, 'removed');
    assert.equal((await w.relations(5)).length, 0);
    assert.ok(fs.existsSync(f.path), 'the file stays');
    assert.equal(sha256(fs.readFileSync(f.path)), f.sha256);
  });
});
