// linkAttachments (one PATCH for many links), comments shortened to what ADO accepts, the true
// resourceSize, removal by link id, and 409/412 re-planning, against the strict emulator.
import assert from 'node:assert/strict';
import { AttachmentLimitError, type JsonPatchOperation } from '../../src/core/ado';
import type { RunningEmulator } from '../emulator/index';
import { adminUrl } from '../emulator-tests/client';
import { attachmentRelations, clientFor, emulatorState, emulatorStats, routeDelta, ROUTE, type ScratchDir, useLiveEmulator } from './support';

const MARKER = `[sha256:${'ab'.repeat(32)}]`;

describe('ado client live: linking attachments', function () {
  this.timeout(30_000);
  const live = useLiveEmulator();
  let emulator: RunningEmulator;
  let dir: ScratchDir;
  before(() => ({ emulator, dir } = live));

  async function uploads(count: number, prefix: string, size = 100): Promise<{ url: string; size: number }[]> {
    const client = clientFor(emulator);
    const out = [];
    for (let i = 0; i < count; i++) {
      const file = await dir.file(`${prefix}${i}.bin`, size + i);
      out.push({ url: (await client.uploadAttachment(file.path)).url, size: file.size });
    }
    return out;
  }

  it('links the new ones in one PATCH, reports the linked ones as alreadyLinked, in the order given, with the true resourceSize', async () => {
    const client = clientFor(emulator);
    const item = await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'batch' } });
    const files = await uploads(4, 'batch');
    await client.linkAttachment(item.id, files[1].url);
    const before = await emulatorStats(emulator);
    const result = await client.linkAttachments(item.id, [...files.map((f) => ({ url: f.url, comment: 'c' })), { url: files[0].url }]);
    assert.deepEqual(result.results.map((r) => r.status), ['linked', 'alreadyLinked', 'linked', 'linked', 'alreadyLinked']);
    const after = await emulatorStats(emulator);
    assert.equal(routeDelta(before, after, ROUTE.patch).count, 1, 'one PATCH for three links');
    const relations = attachmentRelations(await emulatorState(emulator), item.id);
    assert.equal(relations.length, 4);
    for (const f of files) assert.equal(relations.find((r) => f.url.toLowerCase().includes(r.url.split('/').pop() as string))?.attributes.resourceSize, f.size);
    assert.equal(result.workItem.relations?.filter((r) => r.rel === 'AttachedFile').length, 4);
  });

  it('every comment fits in 255 characters with the [sha256:...] marker kept, on linkAttachment too', async () => {
    const client = clientFor(emulator);
    const item = await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'long comments' } });
    const [one, two] = await uploads(2, 'long');
    const single = await client.linkAttachment(item.id, one.url, { comment: `${'é'.repeat(300)} ${MARKER}` });
    assert.equal(single.alreadyLinked, false);
    const batch = await client.linkAttachments(item.id, [{ url: two.url, comment: 'x'.repeat(400) }]);
    assert.equal(batch.results[0].status, 'linked');
    const comments = attachmentRelations(await emulatorState(emulator), item.id).map((r) => String(r.attributes.comment));
    assert.ok(comments.every((c) => c.length <= 255), comments.map((c) => c.length).join());
    assert.ok(comments[0].endsWith(` ${MARKER}`) && comments[0].includes('…'), comments[0]);
  });

  it('a batch refused with a 400 falls back to one by one: each link gets its own result (VS403313, an unfinished upload)', async () => {
    const client = clientFor(emulator);
    const item = await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'near the limit' } });
    const filler = await uploads(98, 'fill', 8);
    const ops: JsonPatchOperation[] = filler.map((f) => ({ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: f.url } }));
    await client.updateWorkItem(item.id, ops);
    const unfinished = (await (await fetch(`${emulator.baseUrl}/_apis/wit/attachments?fileName=u.bin&uploadType=Chunked&api-version=7.1`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(':test-pat').toString('base64')}`, 'Content-Type': 'application/octet-stream' } })).json()) as { url: string };
    const extra = await uploads(3, 'extra', 8);
    const result = await client.linkAttachments(item.id, [{ url: unfinished.url }, ...extra.map((f) => ({ url: f.url }))]);
    assert.deepEqual(result.results.map((r) => r.status), ['failed', 'linked', 'linked', 'failed']);
    assert.match(result.results[0].error?.message ?? '', /TF401089/);
    assert.ok(result.results[3].error instanceof AttachmentLimitError, String(result.results[3].error));
    assert.equal(attachmentRelations(await emulatorState(emulator), item.id).length, 100);
  });

  it('a 409 (a lost save race) and a 412 read the item again and plan again', async () => {
    const client = clientFor(emulator);
    const item = await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'races' } });
    const files = await uploads(3, 'race');
    await fetch(adminUrl(emulator, '/_emulator/race'), { method: 'POST', body: JSON.stringify({ count: 2 }) });
    const result = await client.linkAttachments(item.id, files.map((f) => ({ url: f.url })));
    assert.deepEqual(result.results.map((r) => r.status), ['linked', 'linked', 'linked']);
    const removed = await client.removeAttachmentRelation(item.id, files[1].url);
    assert.equal(removed.removed, true);
    await fetch(adminUrl(emulator, '/_emulator/race'), { method: 'POST', body: JSON.stringify({ count: 1 }) });
    assert.equal((await client.removeAttachmentRelation(item.id, files[0].url)).removed, true);
    const left = attachmentRelations(await emulatorState(emulator), item.id);
    assert.deepEqual(left.map((r) => r.url.split('/').pop()), [files[2].url.split('/').pop()?.split('?')[0]]);
  });
});
