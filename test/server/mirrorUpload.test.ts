// API uploads land in the work item's mirror folder, as if the file had been put there and
// attached: the record's path holds the bytes, the next sync has nothing to do, names follow the
// sync core's rules, and a refused or failed upload leaves nothing behind.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { mirrorFile, readOrUndefined, withStore } from '../webhook/support';
import { serveFixture, stagedFiles, startApi, trackItems, type RunningApi, type ServeFixture } from './support';

interface UploadAnswer { success: boolean; attachment: { attachmentGuid: string | null; fileName: string; status: string; isDuplicate: boolean } | null }
interface SyncAnswer { run: { counters: Record<string, number>; items: { fileName: string; status: string }[] } }

async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

describe('team server uploads into the mirror folder', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let api: RunningApi | undefined;

  beforeEach(async () => {
    f = await serveFixture({ ATTACHMENT_MAX_FILE_SIZE: String(1024 * 1024) });
    await trackItems(f, [5, 6]);
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
    await f.close();
  });

  it("keeps the uploaded file at the record's path with the same bytes; the next sync neither uploads nor downloads it", async () => {
    api = await startApi(f);
    const bytes = Buffer.from(`build log ${Date.now()}\n`);
    const r = await api.call<UploadAnswer>('POST', '/api/sync/upload', { json: { fileName: 'build.log', workItemId: 5, file: bytes.toString('base64') } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const guid = r.body.attachment?.attachmentGuid;
    assert.ok(guid);
    assert.deepEqual(await readOrUndefined(mirrorFile(f, 5, 'build.log')), bytes);
    const attachmentsBefore = f.ado.state.attachments.size;

    const sync = await api.call<SyncAnswer>('POST', '/api/sync/force-sync/5');
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const c = sync.body.run.counters;
    assert.deepEqual([c.uploaded, c.linked, c.downloaded, c.conflicts, c.failed], [0, 0, 0, 0, 0], JSON.stringify(sync.body.run.items));
    assert.equal(f.ado.state.attachments.size, attachmentsBefore, 'nothing sent again');
    assert.deepEqual(await filesIn(path.join(f.mirror, '5')), ['build.log'], 'no second local copy');
    assert.deepEqual(await stagedFiles(f.mirror), [], 'nothing left in staging');

    assert.equal((await api.stop()).code, 0);
    api = undefined;
    await withStore(f, async (store) => {
      const record = store.attachments.forWorkItemAndGuid(5, guid);
      assert.ok(record?.localPath, 'the record has a path');
      assert.equal(record.localPath, mirrorFile(f, 5, 'build.log'));
      assert.deepEqual(await readFile(record.localPath), bytes);
    }, true);
  });

  it("names follow the sync core: a different file's name gets a number, the same file is attached as it is, unsafe characters are replaced", async () => {
    const dir = path.join(f.mirror, '6');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'Notes.txt'), 'the local notes\n');
    api = await startApi(f);
    const upload = (fileName: string, content: string) => api!.call<UploadAnswer>('POST', `/api/sync/upload?workItemId=6&fileName=${encodeURIComponent(fileName)}`,
      { body: Buffer.from(content), headers: { 'content-type': 'application/octet-stream' } });

    const other = await upload('notes.txt', 'notes from the build\n');
    assert.equal(other.status, 200, JSON.stringify(other.body));
    assert.equal(other.body.attachment?.fileName, 'notes (2).txt');
    assert.equal(await readFile(path.join(dir, 'Notes.txt'), 'utf8'), 'the local notes\n', 'the local file is untouched');
    assert.equal(await readFile(path.join(dir, 'notes (2).txt'), 'utf8'), 'notes from the build\n');

    const same = await upload('NOTES.TXT', 'the local notes\n');
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.equal(same.body.attachment?.fileName, 'Notes.txt', 'the file already there is attached, not copied');

    const odd = await upload('a<b>:c.txt', 'odd\n');
    assert.equal(odd.status, 200, JSON.stringify(odd.body));
    assert.equal(odd.body.attachment?.fileName, 'a_b__c.txt');
    assert.deepEqual(await filesIn(dir), ['Notes.txt', 'a_b__c.txt', 'notes (2).txt']);
  });

  it('a refused or failed upload leaves nothing in the mirror folder', async () => {
    api = await startApi(f);
    const tooBig = Buffer.alloc(1024 * 1024 + 1, 1);
    const counted = await api.call('POST', '/api/sync/upload?workItemId=5&fileName=big.bin', {
      body: Readable.toWeb(Readable.from([tooBig.subarray(0, 512 * 1024), tooBig.subarray(512 * 1024)])) as ReadableStream, headers: { 'content-type': 'application/octet-stream' },
    }).catch((e: unknown) => e as Error);
    if (!(counted instanceof Error)) assert.equal(counted.status, 413);
    // A work item that does not exist: refused by the engine after the bytes arrived.
    const missing = await api.call('POST', '/api/sync/upload', { json: { fileName: 'x.txt', workItemId: 999999, file: Buffer.from('x').toString('base64') } });
    assert.equal(missing.status, 404, JSON.stringify(missing.body));
    assert.deepEqual(await filesIn(path.join(f.mirror, '5')), []);
    assert.deepEqual(await filesIn(path.join(f.mirror, '999999')), []);
    assert.deepEqual(await stagedFiles(f.mirror), []);
  });

  it('an upload Azure DevOps refuses answers 502 and its file does not stay in the mirror (the server would send it later on its own)', async () => {
    api = await startApi(f, { ATTACHMENT_UPLOAD_MAX_RETRIES: '0' });
    const origin = new URL(f.ado.baseUrl).origin;
    const faults = await fetch(`${origin}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ route: '/_apis/wit/attachments', method: 'POST', rate: 1, kinds: ['500'] }] }) });
    assert.equal(faults.status, 200);
    const r = await api.call<UploadAnswer>('POST', '/api/sync/upload', { json: { fileName: 'refused.txt', workItemId: 5, file: Buffer.from('refused\n').toString('base64') } });
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal(r.body.attachment?.status, 'failed');
    assert.deepEqual(await filesIn(path.join(f.mirror, '5')), []);
    assert.deepEqual(await stagedFiles(f.mirror), []);

    // Sent again once ADO answers, with other bytes and then the same: the name stays the caller's.
    assert.equal((await fetch(`${origin}/_emulator/faults`, { method: 'DELETE' })).status, 200);
    for (const content of ['refused, fixed\n', 'refused\n']) {
      const again: { status: number; body: UploadAnswer } = await api.call<UploadAnswer>('POST', '/api/sync/upload', { json: { fileName: 'refused.txt', workItemId: 5, file: Buffer.from(content).toString('base64') } });
      assert.equal(again.status, 200, JSON.stringify(again.body));
    }
    const names = (f.ado.state.workItems.get(5)?.relations ?? []).filter((rel) => rel.rel === 'AttachedFile').map((rel) => String(rel.attributes?.name));
    assert.deepEqual(names.filter((n) => n.startsWith('refused')), ['refused.txt', 'refused (2).txt'], 'the first retry takes the name the failed upload had');
  });
});
