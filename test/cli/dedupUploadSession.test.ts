// `ado-sync dedup` (by hash and by file, hashed streaming) and `ado-sync upload-session`.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliFixture, parse } from './support';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('ado-sync dedup and upload-session', () => {
  const f = new CliFixture();
  const content = Buffer.alloc(3 * 1024 * 1024 + 17, 'ab');
  const guid = '6f1c8a1e-2b4d-4c3e-9a7f-0123456789ab';
  const url = () => `${f.ado.baseUrl}/_apis/wit/attachments/${guid}`;
  let session: string;

  before(async () => {
    await f.start({ seed: 'empty' });
    await writeFile(path.join(f.dir, 'design.pdf'), content);
    await writeFile(path.join(f.dir, 'new.txt'), 'never uploaded');
    session = randomUUID();
    await f.withStore((store) => {
      store.attachments.insert({ workItemId: 12, fileName: 'design.pdf', fileSize: content.length, source: 'TOOL', sha256: sha(content), attachmentGuid: guid, attachmentUrl: url(), syncStatus: 'SYNCED' });
      store.attachments.insert({ workItemId: 30, fileName: 'design copy.pdf', fileSize: content.length, source: 'TOOL', sha256: sha(content), attachmentGuid: guid, attachmentUrl: url(), syncStatus: 'SYNCED' });
      store.dedup.remember({ collectionUrl: f.ado.baseUrl, sha256Hash: sha(content), attachmentGuid: guid, attachmentUrl: url(), fileSize: content.length, firstWorkItemId: 12 });
      store.uploadSessions.create({ sessionUuid: session, workItemId: 12, filePath: '/w/video.mp4', fileName: 'video.mp4', totalSize: 20 * 5 * 1024 * 1024, chunkSize: 5 * 1024 * 1024 });
      for (let i = 1; i <= 15; i++) store.uploadSessions.recordChunk(session, i * 5 * 1024 * 1024);
    });
  });
  after(() => f.stop());

  it('finds content by file (hashed) and by hash, in the seed shape', async () => {
    const byFile = await f.run(['dedup', 'design.pdf', '--json']);
    assert.equal(byFile.code, 0, byFile.err);
    assert.deepEqual(parse(byFile), {
      sha256: sha(content), file: 'design.pdf', isDuplicate: true, workItems: [12, 30],
      attachment: { work_item_id: 12, attachment_guid: guid, attachment_url: url(), file_name: 'design.pdf', file_size: content.length },
    });
    const byHash = await f.run(['dedup', sha(content).toUpperCase()]);
    assert.equal(byHash.code, 0);
    assert.equal(byHash.out, `Duplicate: sha256 ${sha(content)} is already attachment ${guid} ("design.pdf") on work item 12, also on 30.\n`);
  });

  it('says when content is new', async () => {
    const run = await f.run(['dedup', 'new.txt', '--json']);
    assert.equal(run.code, 0);
    assert.deepEqual(parse(run), { sha256: sha('never uploaded'), file: 'new.txt', isDuplicate: false, workItems: [], attachment: null });
    const human = await f.run(['dedup', sha('x')]);
    assert.equal(human.out, `Not a duplicate: sha256 ${sha('x')} is not in Azure DevOps yet.\n`);
  });

  it('refuses a path that does not exist, and no argument, with exit 2', async () => {
    const missing = await f.run(['dedup', 'nope.pdf']);
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'error: "nope.pdf" is neither a SHA-256 (64 hex digits) nor a file that exists.\n');
    const none = await f.run(['dedup']);
    assert.equal(none.code, 2);
    assert.match(none.err, /expected exactly one SHA-256 or file; got none/);
  });

  it('shows an upload session in the seed shape, and exits 1 for an unknown one', async () => {
    const run = await f.run(['upload-session', session, '--json']);
    assert.equal(run.code, 0, run.err);
    const answer = parse<Record<string, unknown>>(run);
    assert.deepEqual(
      [answer.sessionUuid, answer.fileName, answer.totalSize, answer.totalChunks, answer.chunksReceived, answer.progress, answer.percentComplete, answer.status],
      [session, 'video.mp4', 104857600, 20, 15, '15/20', 75, 'ACTIVE'],
    );
    const human = await f.run(['upload-session', session]);
    assert.match(human.out, /^Upload session .+: video\.mp4 for work item 12, ACTIVE\.\n\[#{23}-{7}\] 15\/20 chunks \(75%\), 75 MB of 100 MB\.\nExpires /);
    const unknown = await f.run(['upload-session', randomUUID(), '--json']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /No upload session .+ in the state database/);
    assert.equal(parse<{ success: boolean }>(unknown).success, false);
  });
});
