// attach, link, download and sync through the CLI on the real engine, the emulator over HTTP
// and a real state database; what ADO ends up with is checked in the emulator's state.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliFixture, parse } from './support';

interface AttachmentAnswer { attachmentGuid: string | null; attachmentUrl: string | null; fileName: string; isDuplicate: boolean; status: string; error?: { message: string; code?: string } }
interface AttachAnswer { success: boolean; message: string; attachment: AttachmentAnswer | null; attachments: AttachmentAnswer[]; run: { runId: number; status: string } }

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('ado-sync attach, link, download, sync', () => {
  const f = new CliFixture();
  let bug: number;
  let story: number;
  before(async () => {
    await f.start();
    bug = f.workItemTitled('Invoice totals round wrongly');
    story = f.workItemTitled('Change the e-mail address');
    await writeFile(path.join(f.dir, 'screenshot.png'), Buffer.alloc(300 * 1024, 7));
    await writeFile(path.join(f.dir, 'notes.txt'), 'release notes');
  });
  after(() => f.stop());

  const relations = (id: number) => f.ado.state.workItems.get(id)!.relations.filter((r) => r.rel === 'AttachedFile');
  const uploads = () => f.ado.state.attachments.size;

  it('uploads and links files with the comment and the content marker (seed upload shape), exit 0', async () => {
    const before = uploads();
    const run = await f.run(['attach', 'screenshot.png', 'notes.txt', '--work-item', String(bug), '--comment', 'from CI', '--json']);
    assert.equal(run.code, 0, run.err);
    const answer = parse<AttachAnswer>(run);
    assert.equal(answer.success, true);
    assert.equal(answer.message, '2 of 2 attachments uploaded and linked');
    assert.deepEqual(answer.attachments.map((a) => [a.fileName, a.status, a.isDuplicate]), [['screenshot.png', 'uploaded', false], ['notes.txt', 'uploaded', false]]);
    assert.match(answer.attachment?.attachmentUrl ?? '', /\/_apis\/wit\/attachments\/[0-9a-f-]{36}\?fileName=screenshot\.png$/);
    assert.equal(uploads(), before + 2);
    const notes = relations(bug).find((r) => r.attributes.name === 'notes.txt');
    assert.equal(notes?.attributes.comment, `from CI [sha256:${sha('release notes')}]`);
  });

  it('sends nothing for content already on the item, and links (not uploads) it to another item', async () => {
    const before = uploads();
    const again = await f.run(['attach', 'notes.txt', '--work-item', String(bug), '--json']);
    assert.equal(again.code, 0, again.err);
    assert.deepEqual([parse<AttachAnswer>(again).attachment?.status, parse<AttachAnswer>(again).attachment?.isDuplicate], ['duplicate', true]);
    const other = await f.run(['attach', 'notes.txt', '--work-item', String(story)]);
    assert.equal(other.code, 0, other.err);
    assert.match(other.out, /^Attach completed: 1 linked \(0 B, \d+ ms, history run #\d+\)\.\n\nSTATUS\s+WORK ITEM\s+FILE\s+SIZE\s+DETAIL\nlinked\s+\d+\s+notes\.txt\s+13 B\s+[0-9a-f-]{36}\n$/);
    assert.equal(uploads(), before, 'no bytes sent again');
    assert.equal(relations(story).length, 1);
  });

  it('uploads only with --no-link; link then adds the relation', async () => {
    await writeFile(path.join(f.dir, 'spec.md'), '# spec');
    const upload = await f.run(['attach', 'spec.md', '--work-item', String(story), '--no-link', '--json']);
    assert.equal(upload.code, 0, upload.err);
    const uploaded = parse<AttachAnswer>(upload).attachment;
    const url = uploaded?.attachmentUrl ?? '';
    const guid = uploaded?.attachmentGuid ?? '';
    assert.equal(relations(story).length, 1, 'not linked');
    const link = await f.run(['link', '--work-item', String(story), '--url', url, '--comment', 'the spec', '--file-name', 'spec.md', '--json']);
    assert.equal(link.code, 0, link.err);
    assert.deepEqual([parse<AttachAnswer>(link).message, parse<AttachAnswer>(link).attachment?.status], ['Attachment linked', 'linked']);
    assert.equal(relations(story).find((r) => r.url.endsWith(`/${guid}`))?.attributes.name, 'spec.md');
    await writeFile(path.join(f.dir, 'spec2.md'), '# spec 2');
    const human = await f.run(['attach', 'spec2.md', '--work-item', String(story), '--no-link']);
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /^Upload completed: 1 uploaded [\s\S]*\n\nNot linked yet; link with "ado-sync link --work-item <id> --url <url>":\n {2}http:\/\/127\.0\.0\.1:\d+\/.+\/_apis\/wit\/attachments\/[0-9a-f-]{36}\?fileName=spec2\.md\n$/);
    const twice = await f.run(['link', '--work-item', String(story), '--url', url]);
    assert.equal(twice.code, 0);
    assert.match(twice.out, /^Link completed: 1 already there/);
    const bad = await f.run(['link', '--work-item', String(story), '--url', 'https://example.com/not-an-attachment']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--url: Not an attachment URL/);
  });

  it('refuses files that do not exist before sending anything, exit 2', async () => {
    const requests = f.ado.state.stats.totalRequests;
    const run = await f.run(['attach', 'notes.txt', 'missing.pdf', '.', '--work-item', String(bug)]);
    assert.equal(run.code, 2);
    assert.equal(run.err, 'error: missing.pdf: no such file; .: not a file. Nothing was uploaded.\n');
    assert.equal(f.ado.state.stats.totalRequests, requests);
    assert.equal((await f.run(['attach', 'notes.txt'])).code, 2, 'no --work-item');
  });

  it('exits 1 when one file fails (over the size limit), with the reason; the others go through', async () => {
    await writeFile(path.join(f.dir, 'small.txt'), 'tiny');
    const run = await f.run(['attach', 'small.txt', 'screenshot.png', '--work-item', String(story), '--json'], { env: { ATTACHMENT_MAX_FILE_SIZE: '1000' } });
    assert.equal(run.code, 1, run.err);
    const answer = parse<AttachAnswer>(run);
    assert.equal(answer.success, false);
    const byName = Object.fromEntries(answer.attachments.map((a) => [a.fileName, a]));
    assert.equal(byName['small.txt'].status, 'uploaded');
    assert.equal(byName['screenshot.png'].status, 'failed');
    assert.match(byName['screenshot.png'].error?.message ?? '', /over the 1000 B limit; raise .*ATTACHMENT_MAX_FILE_SIZE/);
  });

  it('draws a transfer bar on an interactive stderr only', async () => {
    await writeFile(path.join(f.dir, 'big.bin'), Buffer.alloc(2 * 1024 * 1024, 3));
    const tty = await f.run(['attach', 'big.bin', '--work-item', String(bug)], { tty: true });
    assert.equal(tty.code, 0, tty.err);
    assert.match(tty.err, /\r\[#{30}\] 2\.0 MB\/2\.0 MB big\.bin/);
    await writeFile(path.join(f.dir, 'big2.bin'), Buffer.alloc(1024 * 1024, 4));
    const piped = await f.run(['attach', 'big2.bin', '--work-item', String(bug)]);
    assert.equal(piped.err, '');
  });

  it('ends on a wrong PAT with exit 2 after one 401', async () => {
    const before = f.responses(401);
    const run = await f.run(['attach', 'notes.txt', '--work-item', String(bug)], { env: { AZDO_PAT: 'nope' } });
    assert.equal(run.code, 2);
    // Said once, on one line, before any run is recorded.
    assert.match(run.err, /^error: Azure DevOps at \S+ rejected the personal access token in AZDO_PAT \(401\): it may be wrong, expired or revoked/);
    assert.equal(run.err.trim().split('\n').length, 1, run.err);
    assert.equal(run.out, '');
    assert.equal(f.responses(401) - before, 1);
  });

  it('downloads an attachment into the mirror folder, and keeps a different local file', async () => {
    const trace = relations(bug).find((r) => r.attributes.name === 'trace.log')!;
    const guid = trace.url.split('/').pop()!;
    const run = await f.run(['download', guid, '--work-item', String(bug), '--json']);
    assert.equal(run.code, 0, run.err);
    const answer = parse<{ success: boolean; message: string; attachment: AttachmentAnswer & { localPath: string } }>(run);
    assert.deepEqual([answer.success, answer.message, answer.attachment.status], [true, 'Attachment downloaded', 'downloaded']);
    assert.equal(answer.attachment.localPath, path.join(f.dir, '.ado-attachments', String(bug), 'trace.log'));
    assert.equal(await readFile(answer.attachment.localPath, 'utf8'), 'ERROR rounding 0.005\n');
    const mine = path.join(f.dir, '.ado-attachments', String(bug), 'repro.md');
    await writeFile(mine, 'my own repro');
    const repro = relations(bug).find((r) => r.attributes.name === 'repro.md')!;
    const conflict = await f.run(['download', repro.url, '--work-item', String(bug)]);
    assert.equal(conflict.code, 0, conflict.err);
    assert.match(conflict.out, /^Saved as \.ado-attachments\/\d+\/repro \(conflict .+\)\.md: a different local file had that name and was kept\.\n$/);
    assert.equal(await readFile(mine, 'utf8'), 'my own repro');
  });

  it('downloads into the folder given by --storage or ATTACHMENT_STORAGE_PATH', async () => {
    const cases = relations(story)[0].url.split('/').pop()!;
    const byFlag = await f.run(['download', cases, '--work-item', String(story), '--storage', 'mirror', '--json'], { env: { ATTACHMENT_STORAGE_PATH: 'ignored' } });
    assert.equal(byFlag.code, 0, byFlag.err);
    assert.ok(existsSync(path.join(f.dir, 'mirror', String(story), 'notes.txt')));
    const byEnv = await f.run(['download', cases, '--work-item', String(story)], { env: { ATTACHMENT_STORAGE_PATH: 'from-env' } });
    assert.equal(byEnv.code, 0, byEnv.err);
    assert.equal(byEnv.out, `Downloaded notes.txt (13 B) to from-env/${story}/notes.txt.\n`);
    assert.equal(existsSync(path.join(f.dir, 'ignored')), false);
  });

  it('fails a download of an attachment the work item does not have, exit 1', async () => {
    const run = await f.run(['download', '00000000-0000-4000-8000-000000000000', '--work-item', String(bug)]);
    assert.equal(run.code, 1);
    assert.match(run.err, /not attached to work item/);
    assert.equal((await f.run(['download', 'xyz', '--work-item', String(bug)])).code, 2);
  });

  it('sync --dry-run prints the plan and changes nothing; sync then does it', async () => {
    const testCase = f.workItemTitled('Invoice totals are exact');
    const folder = path.join(f.dir, '.ado-attachments', String(testCase));
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'expected.csv'), 'a,b\n');
    const dry = await f.run(['sync', '--work-item', String(testCase), '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.err);
    const plan = parse<{ dryRun: boolean; plan: { kind: string; fileName: string }[] }>(dry).plan;
    assert.deepEqual(plan.map((a) => [a.kind, a.fileName]).sort(), [['download', 'cases.csv'], ['upload', 'expected.csv']]);
    assert.equal(existsSync(path.join(folder, 'cases.csv')), false);
    assert.equal(relations(testCase).length, 1);
    const human = await f.run(['sync', '--work-item', String(testCase), '--dry-run']);
    assert.match(human.out, /^Dry run: 2 action\(s\), 0 file\(s\) already in sync\. Nothing was changed\./);

    const run = await f.run(['sync', '--work-item', String(testCase), '--json']);
    assert.equal(run.code, 0, run.err);
    const answer = parse<{ success: boolean; status: string; message: string; run: { counters: { uploaded: number; downloaded: number } } }>(run);
    assert.deepEqual([answer.success, answer.status, answer.message], [true, 'COMPLETED', `Synced work item ${testCase}`]);
    assert.deepEqual([answer.run.counters.uploaded, answer.run.counters.downloaded], [1, 1]);
    assert.equal(await readFile(path.join(folder, 'cases.csv'), 'utf8'), 'amount,expected\n0.005,0.01\n');
    assert.equal(relations(testCase).length, 2);
    const again = await f.run(['sync', '--work-item', String(testCase)]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^Sync of work item \d+ completed: nothing to do/);
  });

  it('sync without tracked work items says what to do, exit 2; a wrong PAT exits 2 after one 401', async () => {
    await f.run(['untrack', String(bug), String(story)]);
    const none = await f.run(['sync']);
    assert.equal(none.code, 2);
    assert.match(none.err, /no work item is tracked. Track some with "ado-sync track <id\.\.\.>"/);
    const before = f.responses(401);
    const run = await f.run(['sync', '--work-item', String(bug)], { env: { AZDO_PAT: 'nope' } });
    assert.equal(run.code, 2, run.out + run.err);
    assert.equal(f.responses(401) - before, 1);
  });
});
