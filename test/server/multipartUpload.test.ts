// POST /api/sync/upload as multipart/form-data (curl -F, HTML forms): the file part streamed to
// disk under the raw body's limits, fields before or after it, refusals with nothing stored.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { mirrorFile, readOrUndefined, waitFor, withStore } from '../webhook/support';
import { serveFixture, stagedFiles, startApi, trackItems, type RunningApi, type ServeFixture } from './support';

interface UploadAnswer { success: boolean; attachment: { attachmentGuid: string | null; fileName: string; size: number | null } | null }
interface ErrorAnswer { success: false; error: { message: string; code: string } }

const LIMIT = 1024 * 1024;

/** A multipart body written by hand, so that the part order and headers are the test's to choose. */
function form(parts: ({ name: string; value: string } | { name: string; fileName: string; bytes: Buffer })[], boundary = 'x-boundary-7f3a'): { body: Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = 'bytes' in p ? `form-data; name="${p.name}"; filename="${p.fileName}"` : `form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${'bytes' in p ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`));
    chunks.push('bytes' in p ? p.bytes : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(chunks)), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

function pattern(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed) % 251;
  return b;
}

describe('team server multipart uploads', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let api: RunningApi;

  before(async () => {
    f = await serveFixture({ ATTACHMENT_MAX_FILE_SIZE: String(LIMIT) });
    await trackItems(f, [5, 6]);
    api = await startApi(f);
  });
  after(async () => {
    await api?.stop();
    await f?.close();
  });

  it('takes a FormData upload (fields after the file, the part’s UTF-8 file name): bytes equal in ADO and in the mirror', async () => {
    const bytes = pattern(LIMIT, 3);
    const data = new FormData();
    data.append('file', new Blob([new Uint8Array(bytes)]), 'Résumé 2026.pdf');
    data.append('workItemId', '5');
    data.append('comment', 'from a form');
    const r = await api.call<UploadAnswer>('POST', '/api/sync/upload', { body: data });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const a = r.body.attachment;
    assert.ok(a?.attachmentGuid);
    assert.equal(a.fileName, 'Résumé 2026.pdf');
    assert.equal(a.size, bytes.length);
    const stored = f.ado.state.attachments.get(a.attachmentGuid);
    assert.ok(stored);
    assert.ok((await readFile(stored.path)).equals(bytes));
    assert.ok((await readOrUndefined(mirrorFile(f, 5, 'Résumé 2026.pdf')))?.equals(bytes));
    const relation = f.ado.state.workItems.get(5)?.relations.find((x) => x.url.endsWith(a.attachmentGuid ?? '?'));
    assert.match(String(relation?.attributes?.comment ?? ''), /from a form/);
  });

  it('takes fields before the file, a fileName field over the part’s name, and link=false (sent, kept nowhere)', async () => {
    const bytes = Buffer.from('spec, upload only\n');
    const { body, headers } = form([{ name: 'workItemId', value: '6' }, { name: 'fileName', value: 'spec.txt' }, { name: 'link', value: 'false' },
      { name: 'file', fileName: 'ignored.bin', bytes }]);
    const r = await api.call<UploadAnswer>('POST', '/api/sync/upload', { body, headers });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.attachment?.fileName, 'spec.txt');
    const stored = f.ado.state.attachments.get(r.body.attachment?.attachmentGuid ?? '?');
    assert.ok(stored);
    assert.equal(stored.fileName, 'spec.txt');
    assert.deepEqual(f.ado.state.workItems.get(6)?.relations.filter((x) => x.rel === 'AttachedFile'), [], 'not linked');
    assert.deepEqual(await filesIn(path.join(f.mirror, '6')), [], 'not in the mirror');
  });

  it('refuses a file part over ATTACHMENT_MAX_FILE_SIZE with 413 (counted, and declared) and bad forms with 400; nothing is stored', async () => {
    const before = f.ado.state.attachments.size;
    const over = form([{ name: 'workItemId', value: '6' }, { name: 'file', fileName: 'big.bin', bytes: pattern(LIMIT + 1, 5) }]);
    // The declared length is within the form's room: the parser counts the part and stops at the limit.
    const counted = await api.call<ErrorAnswer>('POST', '/api/sync/upload', over).catch((e: unknown) => e as Error);
    if (!(counted instanceof Error)) {
      assert.equal(counted.status, 413, JSON.stringify(counted.body));
      assert.equal(counted.body.error.code, 'PAYLOAD_TOO_LARGE');
    }
    const declared = await api.call<ErrorAnswer>('POST', '/api/sync/upload', form([{ name: 'workItemId', value: '6' }, { name: 'file', fileName: 'big.bin', bytes: pattern(2 * LIMIT, 5) }]));
    assert.equal(declared.status, 413, JSON.stringify(declared.body));

    const file = { name: 'file', fileName: 'a.txt', bytes: Buffer.from('a\n') };
    const cases: [ReturnType<typeof form>, RegExp][] = [
      [form([{ name: 'workItemId', value: '6' }]), /part named "file"/],
      [form([{ name: 'workItemId', value: '6' }, file, { ...file, fileName: 'b.txt' }]), /one file per request/],
      [form([{ name: 'workItemId', value: '6' }, { ...file, name: 'upload' }]), /part named "file"/],
      [form([file]), /workItemId must be a work item id/],
      [form([{ name: 'workItemId', value: '6' }, { name: 'fileName', value: '../x.txt' }, file]), /plain file name/],
      [form([{ name: 'workItemId', value: '6' }, { name: 'comment', value: 'c'.repeat(5000) }, file]), /longer than/],
      [{ body: new Uint8Array(Buffer.from('--nope\r\n')), headers: { 'content-type': 'multipart/form-data' } }, /cannot be read/],
      [{ body: new Uint8Array(Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="t.txt"\r\n\r\ncut here')), headers: { 'content-type': 'multipart/form-data; boundary=b' } }, /cannot be read|part named/],
    ];
    for (const [request, message] of cases) {
      const r = await api.call<ErrorAnswer>('POST', '/api/sync/upload', request);
      assert.equal(r.status, 400, `${message}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, message);
    }
    assert.equal(f.ado.state.attachments.size, before);
    assert.deepEqual(await filesIn(path.join(f.mirror, '6')), []);
    assert.deepEqual(await stagedFiles(f.mirror), []);
    await withStore(f, (store) => assert.deepEqual(store.attachments.forWorkItem(6), []), true);
  });

  it('a client that goes away mid-file leaves nothing in staging and the server goes on', async () => {
    const { body } = form([{ name: 'workItemId', value: '6' }, { name: 'file', fileName: 'cut.bin', bytes: pattern(256 * 1024, 9) }], 'cut-boundary');
    const socket = net.connect(Number(new URL(api.base).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/sync/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.token}\r\nContent-Type: multipart/form-data; boundary=cut-boundary\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, 128 * 1024));
    await waitFor('the part in staging', async () => (await stagedFiles(f.mirror)).length > 0);
    socket.destroy();
    await waitFor('staging emptied', async () => (await stagedFiles(f.mirror)).length === 0);
    assert.equal((await api.call('GET', '/api/sync/status/6')).status, 200, 'the server goes on');
  });
});
