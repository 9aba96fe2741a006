// No file or record lost at the edges (issue 16): hostile names, our own temp files, forged markers,
// stale attachment URLs, ADO's per-item limit and local deletions, on the real emulator and real files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { AdoClient, createAdoClient, PatAuth } from '../../src/core/ado';
import { nameKey } from '../../src/core/sync/localFileName';
import { PAT, sha256, SyncWorld } from './support';

function filesIn(dir: string): Map<string, string> {
  return new Map(fs.readdirSync(dir).map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
}

describe('edges: nothing lost or misreported', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  beforeEach(async () => { w = await new SyncWorld().start(); });
  afterEach(async () => { await w.stop(); });

  it('attachments whose names collide locally (same name, sanitised, case, Unicode form) each end up as a file of their own', async () => {
    await w.engine.track([6]);
    const names = ['same.txt', 'same.txt', 'report:v1.txt', 'report?v1.txt', 'Report_v1.TXT', 'caf\u00e9.txt', 'cafe\u0301.txt'];
    for (const [i, name] of names.entries()) await w.colleagueAttaches(6, name, `content ${i} of ${name}`);
    const run = await w.engine.sync();
    assert.equal(run.counters.downloaded + run.counters.conflicts, names.length, JSON.stringify(run.items));
    const files = filesIn(path.join(w.mirror, '6'));
    const contents = new Set(files.values());
    for (const [i, name] of names.entries()) assert.ok(contents.has(`content ${i} of ${name}`), `content ${i} (${name}) lost: ${[...files.keys()].join(', ')}`);
    const keys = [...files.keys()].map(nameKey);
    assert.equal(new Set(keys).size, keys.length, 'no two files one name on a case-insensitive file system');
    const history = w.store.history.items(run.runId).map((i) => i.itemName);
    assert.ok(history.some((h) => /^report_v1( \(\d\))?\.txt \(in ADO: report:v1\.txt\)$/.test(h)), `history shows the ADO name beside the local one: ${history.join(', ')}`);
    const paths = w.store.attachments.forWorkItem(6).map((r) => r.localPath);
    assert.equal(new Set(paths).size, paths.length, 'never two records with one local path');
    assert.equal((await w.engine.sync()).items.length, 0, 'converged');
  });

  it('a file attached from the mirror folder itself goes up (it is both a mirror file and a request)', async () => {
    await w.engine.track([6]);
    const inMirror = w.file('.ado-attachments/6/from-mirror.txt', 'attached from the mirror');
    const run = await w.engine.attach({ files: [inMirror], workItemId: 6 });
    assert.deepEqual(run.items.map((i) => `${i.fileName}:${i.status}`), ['from-mirror.txt:uploaded']);
  });

  it('a colleague\'s *.part and *.tmp files sync like any other; our downloads never stage in the mirror', async () => {
    await w.engine.track([6]);
    await w.colleagueAttaches(6, 'notes.part', 'part of a colleague');
    await w.colleagueAttaches(6, 'build.tmp', 'a tmp of a colleague');
    w.file('.ado-attachments/6/draft.tmp', 'my draft');
    const run = await w.engine.sync();
    assert.deepEqual(run.items.map((i) => `${i.fileName}:${i.status}`).sort(), ['build.tmp:downloaded', 'draft.tmp:uploaded', 'notes.part:downloaded']);
    assert.deepEqual([...filesIn(path.join(w.mirror, '6')).keys()].sort(), ['build.tmp', 'draft.tmp', 'notes.part']);
    const staged = fs.readdirSync(path.join(w.mirror, '.ado-sync-staging'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.deepEqual(staged, [], 'staging left empty');
  });

  it('a marker in a colleague\'s comment naming my file\'s hash is a claim: my file still goes up, theirs is kept as its own file', async () => {
    await w.engine.track([5]);
    await w.engine.sync();
    const mine = w.file('docs/mine.bin', 'my real evidence');
    await w.colleagueAttaches(5, 'other.bin', 'something else entirely', `looks like yours [sha256:${sha256('my real evidence')}]`);
    const run = await w.engine.attach({ files: [mine], workItemId: 5 });
    assert.ok(run.items.some((i) => i.fileName === 'mine.bin' && i.status === 'uploaded'), JSON.stringify(run.items));
    const rels = await w.relations(5);
    const uploaded = (await w.state()).attachments.filter((a) => a.sha256 === sha256('my real evidence'));
    assert.equal(uploaded.length, 1, 'my bytes are in ADO');
    assert.ok(rels.some((r) => r.url.endsWith(uploaded[0].id)), 'and linked');
    const synced = await w.engine.sync();
    assert.ok(fs.readdirSync(path.join(w.mirror, '5')).some((n) => fs.readFileSync(path.join(w.mirror, '5', n), 'utf8') === 'something else entirely'),
      `the colleague's file is mirrored: ${JSON.stringify(synced.items)}`);
  });

  it('another client\'s resourceSize is a claim: a wrong size without our marker downloads with a warning', async () => {
    await w.engine.track([6]);
    await w.colleagueAttaches(3, 'carrier.txt', 'twelve bytes');
    const carrier = (await w.relations(3)).find((r) => r.attributes.name === 'carrier.txt')!;
    await colleague(w).updateWorkItem(6, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: carrier.url, attributes: { name: 'sized.txt', resourceSize: 999_999 } } }]);
    const run = await w.engine.sync();
    assert.deepEqual(run.items.map((i) => `${i.fileName}:${i.status}`), ['sized.txt:downloaded'], JSON.stringify(run.items));
    assert.equal(fs.readFileSync(path.join(w.mirror, '6', 'sized.txt'), 'utf8'), 'twelve bytes');
  });

  it('content remembered from an attachment that is gone (or of another collection) is uploaded afresh, not re-linked forever', async () => {
    await w.engine.track([5]);
    const f = w.file('docs/evidence.txt', 'evidence');
    const gone = '0badc0de-0000-4000-8000-000000000000';
    w.store.dedup.remember({ collectionUrl: w.emulator.baseUrl, sha256Hash: sha256('evidence'), attachmentGuid: gone,
      attachmentUrl: `${w.emulator.baseUrl}/Demo/_apis/wit/attachments/${gone}`, fileSize: 8, firstWorkItemId: 4 });
    w.store.dedup.remember({ collectionUrl: 'https://dev.azure.com/elsewhere', sha256Hash: sha256('other'), attachmentGuid: 'e1',
      attachmentUrl: 'https://dev.azure.com/elsewhere/_apis/wit/attachments/e1', fileSize: 5, firstWorkItemId: 4 });
    const run = await w.engine.attach({ files: [f], workItemId: 5 });
    assert.ok(run.items.some((i) => i.status === 'uploaded'), JSON.stringify(run.items));
    assert.notEqual(w.store.dedup.find(w.emulator.baseUrl, sha256('evidence'))?.attachmentGuid, gone);
    const other = await w.engine.attach({ files: [w.file('docs/other.txt', 'other')], workItemId: 5 });
    assert.equal(other.items[0].status, 'uploaded', 'an entry of another collection is never linked here');
  });

  it('ADO\'s 100 attachments per work item: what does not fit is refused before a byte is sent, naming the limit and the counts', async () => {
    await w.engine.track([6]);
    for (let i = 0; i < 99; i++) await w.colleagueAttaches(6, `c${i}.txt`, `c${i}`);
    await w.engine.sync();
    const uploadsBefore = (await w.state()).attachments.length;
    const files = [1, 2, 3].map((i) => w.file(`docs/new${i}.txt`, `new ${i}`));
    const run = await w.engine.attach({ files, workItemId: 6 });
    assert.deepEqual(run.items.map((i) => i.status).sort(), ['failed', 'failed', 'uploaded']);
    const refused = run.items.find((i) => i.status === 'failed');
    assert.match(refused?.error?.message ?? '', /more than 100 attachments.*99 there, 3 to add/);
    assert.equal((await w.state()).attachments.length - uploadsBefore, 1, 'only what fits was sent');
  });

  it('a mirrored file deleted by hand is "deleted locally": ADO untouched, not downloaded again, downloadable on request', async () => {
    await w.engine.track([4]);
    await w.engine.sync();
    fs.rmSync(path.join(w.mirror, '4', 'repro.md'));
    const run = await w.engine.sync();
    assert.deepEqual(run.items.map((i) => `${i.fileName}:${i.status}`), ['repro.md:deleted_locally']);
    assert.ok((await w.relations(4)).some((r) => r.attributes.name === 'repro.md'), 'ADO untouched');
    assert.equal((await w.engine.sync()).items.length, 0);
    assert.equal(fs.existsSync(path.join(w.mirror, '4', 'repro.md')), false);
    const id = (await w.relations(4)).find((r) => r.attributes.name === 'repro.md')!.url.split('/').pop()!;
    assert.equal((await w.engine.download(4, id)).status, 'downloaded');
    assert.ok(fs.existsSync(path.join(w.mirror, '4', 'repro.md')));
    assert.equal(w.store.attachments.forWorkItemAndGuid(4, id)?.deletedAt, null, 'the record is back');
  });
});

function colleague(w: SyncWorld): AdoClient {
  return createAdoClient({ orgUrl: w.emulator.baseUrl, project: 'Demo', auth: new PatAuth(PAT), apiVersion: '7.1' });
}
