// track / untrack, and delete: a soft delete of the local record that leaves Azure DevOps alone.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliFixture, parse } from './support';

describe('ado-sync track, untrack and delete', () => {
  const f = new CliFixture();
  before(() => f.start());
  after(() => f.stop());

  it('tracks and untracks work items, listing the tracked set', async () => {
    const run = await f.run(['track', '4', '2', '4', '--json']);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(parse(run), { success: true, message: 'Tracking work item(s) 4, 2', tracked: [2, 4] });
    const more = await f.run(['track', '9']);
    assert.equal(more.out, 'Tracking work item(s) 9. Tracked now: 2, 4, 9.\n');
    const fewer = await f.run(['untrack', '2', '9']);
    assert.equal(fewer.code, 0, fewer.err);
    assert.equal(fewer.out, 'No longer tracking work item(s) 2, 9. Tracked now: 4.\n');
    assert.equal(await f.withStore((s) => s.trackedItems.get(4)?.title), 'Invoice totals round wrongly');
  });

  it('refuses a work item that does not exist (exit 1) and ids that are not numbers (exit 2)', async () => {
    const missing = await f.run(['track', '5000']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Work item 5000 not found in project Demo/);
    const bad = await f.run(['track', '12abc']);
    assert.equal(bad.code, 2);
    assert.equal(bad.err, 'error: Each argument must be a work item id, a positive whole number; got "12abc".\n');
    assert.equal((await f.run(['untrack'])).code, 2);
  });

  it('deletes the local record only: the relation stays in ADO, the file stays on disk', async () => {
    const file = path.join(f.dir, 'evidence.txt');
    await writeFile(file, 'evidence');
    const attach = await f.run(['attach', 'evidence.txt', '--work-item', '4', '--json']);
    assert.equal(attach.code, 0, attach.err);
    const guid = parse<{ attachment: { attachmentGuid: string } }>(attach).attachment.attachmentGuid;
    const run = await f.run(['delete', guid]);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.out, `Attachment record deleted locally; Azure DevOps is unchanged (${guid}).\n`);
    assert.ok(f.ado.state.workItems.get(4)!.relations.some((r) => r.url.endsWith(`/${guid}`)), 'ADO still has the relation');
    const row = await f.withStore((s) => s.attachments.forWorkItem(4, true).find((r) => r.attachmentGuid === guid));
    assert.equal(row?.syncStatus, 'DELETED');
    assert.ok(row?.deletedAt);
    assert.equal(await readFile(file, 'utf8'), 'evidence');
    const list = parse<{ attachments: { fileName: string; state: string }[] }>(await f.run(['list', '4', '--json']));
    assert.equal(list.attachments.find((a) => a.fileName === 'evidence.txt')?.state, 'in_ado_only');
    const again = await f.run(['delete', guid, '--json']);
    assert.equal(again.code, 1);
    assert.equal(again.err, `error: No local record of attachment ${guid}.\n`);
    assert.deepEqual(parse(again), { success: false, message: `No local record of attachment ${guid}.`, exitCode: 1 });
    assert.equal((await f.run(['delete', 'not-a-guid'])).code, 2);
  });

  it('answers delete --json in the seed shape', async () => {
    await writeFile(path.join(f.dir, 'second.txt'), 'second');
    const guid = parse<{ attachment: { attachmentGuid: string } }>(await f.run(['attach', 'second.txt', '--work-item', '4', '--json'])).attachment.attachmentGuid;
    const run = await f.run(['delete', guid, '--json']);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(parse(run), { success: true, message: 'Attachment record deleted locally; Azure DevOps is unchanged', attachmentGuid: guid });
  });
});
