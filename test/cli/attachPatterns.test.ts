// `attach *.pdf` where no shell expands the pattern (cmd, PowerShell, or the in-process main()
// here, which gets the arguments as typed): the CLI expands it itself, with the shell's rules.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliFixture, parse, spawnBundledCli } from './support';

interface AttachAnswer { attachments: { fileName: string; status: string }[] }

describe('ado-sync attach with glob patterns', () => {
  const f = new CliFixture();
  let item: number;
  before(async () => {
    await f.start();
    item = f.workItemTitled('Change the e-mail address');
    await mkdir(path.join(f.dir, 'logs', 'nightly'), { recursive: true });
    await Promise.all([
      writeFile(path.join(f.dir, 'b.pdf'), 'second'),
      writeFile(path.join(f.dir, 'a.pdf'), 'first'),
      writeFile(path.join(f.dir, '.hidden.pdf'), 'hidden'),
      writeFile(path.join(f.dir, 'notes.md'), 'not a pdf'),
      writeFile(path.join(f.dir, 'logs', 'app.log'), 'top'),
      writeFile(path.join(f.dir, 'logs', 'nightly', 'run.log'), 'nested'),
      writeFile(path.join(f.dir, 'report[1].txt'), 'named like a pattern'),
    ]);
  });
  after(() => f.stop());

  const names = (run: { out: string; err: string; code: number }) => parse<AttachAnswer>(run).attachments.map((a) => a.fileName);

  it('*.pdf: the matching files, sorted, without hidden ones', async () => {
    const run = await f.run(['attach', '*.pdf', '--work-item', String(item), '--json']);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(names(run), ['a.pdf', 'b.pdf']);
  });

  it('the bundled CLI, given the pattern unexpanded as cmd would, expands it too', async () => {
    const run = await spawnBundledCli(f.dir, ['attach', '*.pdf', '--work-item', String(item), '--json'], f.env);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as AttachAnswer).attachments.map((a) => a.fileName), ['a.pdf', 'b.pdf']);
  });

  it('logs/**/*.log: nested folders too; a file given twice is attached once', async () => {
    const run = await f.run(['attach', 'logs/**/*.log', 'logs/app.log', '--work-item', String(item), '--json']);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(names(run), ['app.log', 'run.log']);
  });

  it('a file named like a pattern is taken by its name', async () => {
    const run = await f.run(['attach', 'report[1].txt', '--work-item', String(item), '--json']);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(names(run), ['report[1].txt']);
  });

  it('a pattern that matches nothing: exit 2 and nothing is uploaded, not even the other files', async () => {
    const before = f.ado.state.attachments.size;
    const run = await f.run(['attach', 'notes.md', '*.docx', '--work-item', String(item)]);
    assert.equal(run.code, 2);
    assert.equal(run.err, 'error: *.docx: no file matches. Nothing was uploaded.\n');
    assert.equal(f.ado.state.attachments.size, before);
  });
});
