// listWorkItemAttachments on a real sql.js store file and the emulator over loopback HTTP.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAdoClient, PatAuth, type AdoClient } from '../../src/core/ado';
import { openStore, type SyncStore } from '../../src/core/store';
import { commentWithMarker } from '../../src/core/sync/contentMarker';
import { listWorkItemAttachments } from '../../src/core/sync/workItemAttachments';
import { startEmulator, type RunningEmulator } from '../emulator';

const PAT = 'wia-pat';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('work item attachments view', () => {
  let ado: RunningEmulator;
  let client: AdoClient;
  let store: SyncStore;
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wia-'));
    ado = await startEmulator({ pats: [PAT] });
    client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth: new PatAuth(PAT), apiVersion: '7.1' });
    store = await openStore({ path: path.join(dir, 'state.sqlite') });
  });
  afterEach(async () => {
    store.close();
    await ado.close();
    await rm(dir, { recursive: true, force: true });
  });

  const itemTitled = (title: string) => [...ado.state.workItems.values()].find((w) => w.fields['System.Title'] === title)!.id;

  it('merges records and relations into one entry per file version with its state, plus the summary', async () => {
    const bug = itemTitled('Invoice totals round wrongly');
    const seeded = (await client.getWorkItem(bug, { expand: 'relations' })).relations!.filter((r) => r.rel === 'AttachedFile');
    const repro = seeded.find((r) => r.attributes?.name === 'repro.md')!;
    // A file we uploaded and linked with our marker, whose record never learnt its GUID (crash before markSynced).
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'our notes');
    const uploaded = await client.uploadAttachment(file);
    await client.linkAttachment(bug, uploaded.url, { name: 'notes.txt', comment: commentWithMarker('from the CLI', uploaded.sha256) });

    const a = store.attachments;
    const synced = a.insert({ workItemId: bug, fileName: 'repro.md', fileSize: 40, source: 'ADO', attachmentGuid: repro.url.split('/').pop(), attachmentUrl: repro.url, syncStatus: 'SYNCED', localPath: '/w/4/repro.md' });
    a.insert({ workItemId: bug, fileName: 'notes.txt', fileSize: 9, source: 'TOOL', sha256: sha('our notes'), syncStatus: 'PENDING' });
    a.insert({ workItemId: bug, fileName: 'queued.txt', fileSize: 1, source: 'TOOL', syncStatus: 'PENDING' });
    a.insert({ workItemId: bug, fileName: 'big.bin', fileSize: 2, source: 'TOOL', syncStatus: 'UPLOADING' });
    const failed = a.insert({ workItemId: bug, fileName: 'huge.iso', fileSize: 3, source: 'TOOL' });
    a.setStatus(failed.id, 'FAILED', 'TF237082: too large');
    a.insert({ workItemId: bug, fileName: 'both.txt', fileSize: 4, source: 'TOOL', syncStatus: 'CONFLICT' });
    const gone = a.insert({ workItemId: bug, fileName: 'gone.txt', fileSize: 5, source: 'ADO', attachmentGuid: '00000000-0000-4000-8000-000000000001', syncStatus: 'SYNCED' });
    a.markRemoteRemoved(gone.id);
    a.insert({ workItemId: bug, fileName: 'upload-only.txt', fileSize: 6, source: 'TOOL', attachmentGuid: '00000000-0000-4000-8000-000000000002', syncStatus: 'SYNCED' });
    const deleted = a.insert({ workItemId: bug, fileName: 'deleted.txt', fileSize: 7, source: 'TOOL', syncStatus: 'SYNCED' });
    a.softDelete(deleted.id);
    a.insert({ workItemId: bug + 1, fileName: 'other item.txt', fileSize: 8, source: 'TOOL', syncStatus: 'SYNCED' });

    const view = await listWorkItemAttachments(client, store, bug);
    const states = Object.fromEntries(view.attachments.map((e) => [e.fileName, e.state]));
    assert.deepEqual(states, {
      'repro.md': 'synced', 'notes.txt': 'synced', 'queued.txt': 'queued', 'big.bin': 'uploading', 'huge.iso': 'failed',
      'both.txt': 'conflict', 'gone.txt': 'remote_removed', 'upload-only.txt': 'local_only', 'trace.log': 'in_ado_only',
    });
    const notes = view.attachments.find((e) => e.fileName === 'notes.txt')!;
    assert.deepEqual([notes.attachmentId, notes.sha256, notes.comment, notes.size], [uploaded.id, uploaded.sha256, 'from the CLI', 9], 'matched by content, identity from ADO, marker stripped');
    const trace = view.attachments.find((e) => e.fileName === 'trace.log')!;
    assert.equal(trace.size, Buffer.byteLength('ERROR rounding 0.005\n'), 'resourceSize of the relation');
    assert.equal(trace.sha256, undefined, 'no marker on a file attached in ADO');
    assert.equal(view.attachments.find((e) => e.fileName === 'repro.md')?.localPath, synced.localPath);
    assert.equal(view.attachments.find((e) => e.fileName === 'huge.iso')?.error, 'TF237082: too large');
    assert.equal(view.remote.length, 3);
    assert.equal(view.local.length, 8, 'soft-deleted and other items left out');
    assert.equal(view.summary.workItemId, bug);
    assert.equal(view.summary.totalAttachments, store.attachments.summary(bug)?.totalAttachments);
  });

  it('lists a work item the store has never seen, with a zero summary', async () => {
    const story = itemTitled('Download an invoice as PDF');
    const view = await listWorkItemAttachments(client, store, story);
    assert.deepEqual(view.attachments.map((e) => [e.fileName, e.state, e.comment]), [['invoice-mockup.txt', 'in_ado_only', 'First draft']]);
    assert.deepEqual([view.summary.totalAttachments, view.summary.syncedCount, view.local.length], [0, 0, 0]);
  });

  it('fails with the client error for a work item that does not exist', async () => {
    await assert.rejects(listWorkItemAttachments(client, store, 99999), (e: Error) => e.name === 'NotFoundError');
  });
});
