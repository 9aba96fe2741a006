// The state database on real file systems that refuse: a full tmpfs (the command fails with exit
// 1 and says so; the good file and nothing else stays), and paths that cannot be used (a
// read-only folder or file, a path under a regular file, a folder): configuration errors, exit 2,
// naming the path and --db / ATTACHMENT_SYNC_DB_PATH. Tests run as root, where permission bits
// stop nothing: read-only is a read-only tmpfs or a read-only bind mount.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bindReadOnly, SmallFileSystem, skipUnlessMounted } from '../store/smallFileSystem';
import { CliFixture, parse } from './support';

const SETTING = '--db (ATTACHMENT_SYNC_DB_PATH)';

describe('ado-sync with the state database on a full disk (real tmpfs)', () => {
  const f = new CliFixture();
  let fsys: SmallFileSystem;
  let bug: number;
  before(async function () {
    await f.start();
    fsys = skipUnlessMounted(this, SmallFileSystem.mount(path.dirname(f.dbPath), 1024 * 1024));
    bug = f.workItemTitled('Invoice totals round wrongly');
    await writeFile(path.join(f.dir, 'evidence.txt'), 'evidence for the full disk');
  });
  after(async () => {
    try { fsys?.unmount(); } finally { await f.stop(); }
  });

  it('attach fails with exit 1 naming the path and the free space; the good file stays and no temp file is left', async () => {
    assert.equal((await f.run(['track', String(bug)])).code, 0);
    const good = readFileSync(f.dbPath);
    const filler = fsys.fill(8 * 1024);
    const run = await f.run(['attach', 'evidence.txt', '--work-item', String(bug), '--json']);
    assert.equal(run.code, 1, run.err);
    assert.ok(run.err.includes(`error: The sync database ${f.dbPath} could not be saved (ENOSPC: `), run.err);
    assert.match(run.err, /; \d+(\.\d)? KB free on its file system\)\. The previous file is kept unchanged/);
    assert.match(run.err, /Free space there, or set --db \(ATTACHMENT_SYNC_DB_PATH\)/);
    assert.equal(parse<{ success: boolean }>(run).success, true, 'stdout holds the one answer: the upload itself went through');
    assert.deepEqual(readFileSync(f.dbPath), good, 'the good file is untouched');
    assert.deepEqual(readdirSync(path.dirname(f.dbPath)).filter((n) => n !== 'filler.bin').sort(), ['state.sqlite', 'state.sqlite.tracked.json'], 'no temp file, lock released');

    // Space again: the content is found in Azure DevOps by its marker, not sent twice.
    writeFileSync(filler, '');
    const uploads = f.ado.state.attachments.size;
    const again = await f.run(['attach', 'evidence.txt', '--work-item', String(bug), '--json']);
    assert.equal(again.code, 0, again.err);
    assert.equal(f.ado.state.attachments.size, uploads);
  });

  it('a disk with no space at all: exit 2 before anything is sent, naming the path and the free space; no empty lock file left', async () => {
    const good = readFileSync(f.dbPath);
    const filler = fsys.fill(0, 'filler-all.bin');
    try {
      const requests = f.ado.state.stats.totalRequests;
      const run = await f.run(['attach', 'evidence.txt', '--work-item', String(bug)]);
      assert.equal(run.code, 2, run.err);
      assert.match(run.err, new RegExp(`^error: The sync database path ${f.dbPath} cannot be used: its lock file ${f.dbPath}\\.lock cannot be written \\(\\d+ B free on its file system\\) \\(ENOSPC\\)`));
      assert.ok(run.err.includes(SETTING), run.err);
      assert.equal(f.ado.state.stats.totalRequests, requests, 'nothing sent');
      assert.deepEqual(readFileSync(f.dbPath), good);
      assert.equal(readdirSync(path.dirname(f.dbPath)).some((n) => n.endsWith('.lock')), false, 'no empty lock file left behind');
    } finally {
      writeFileSync(filler, '');
    }
  });
});

describe('ado-sync with a state database path that cannot be used', () => {
  const f = new CliFixture();
  before(() => f.start());
  after(() => f.stop());

  async function expectConfigError(dbPath: string, problem: RegExp, args = ['track', '4'], viaFlag = false): Promise<void> {
    const run = await f.run(viaFlag ? [...args, '--db', dbPath] : args, viaFlag ? {} : { env: { ATTACHMENT_SYNC_DB_PATH: dbPath } });
    assert.equal(run.code, 2, run.out + run.err);
    assert.ok(run.err.startsWith(`error: The sync database path ${dbPath} cannot be used: `), run.err);
    assert.match(run.err, problem);
    assert.ok(run.err.includes(SETTING), run.err);
  }

  it('a path under a regular file, for writers and readers', async () => {
    const file = path.join(f.dir, 'plain-file');
    writeFileSync(file, 'I am a file');
    const dbPath = path.join(file, 'sub', 'state.sqlite');
    await expectConfigError(dbPath, new RegExp(`${file} is a file, not a folder \\((ENOTDIR|EEXIST)\\)`));
    await expectConfigError(dbPath, /is a file, not a folder/, ['history']);
    await expectConfigError(dbPath, /is a file, not a folder/, ['track', '4'], true);
    assert.equal(readFileSync(file, 'utf8'), 'I am a file');
  });

  it('a folder where the file should be', async () => {
    const dir = path.join(f.dir, 'a-folder.sqlite');
    mkdirSync(dir);
    await expectConfigError(dir, /it is a folder, not a file \(EISDIR\)/);
    await expectConfigError(dir, /it is a folder, not a file/, ['history']);
  });

  describe('read-only', () => {
    let ro: SmallFileSystem;
    before(function () {
      ro = skipUnlessMounted(this, SmallFileSystem.mount(path.join(f.dir, 'ro'), 1024 * 1024));
    });
    after(() => {
      try { ro?.setReadOnly(false); } finally { ro?.unmount(); }
    });

    it('a read-only folder: writers refuse with exit 2, readers still read', async () => {
      const dbPath = path.join(ro.dir, 'state.sqlite');
      assert.equal((await f.run(['track', '4'], { env: { ATTACHMENT_SYNC_DB_PATH: dbPath } })).code, 0);
      ro.setReadOnly(true);
      try {
        await expectConfigError(dbPath, new RegExp(`its folder ${ro.dir} is not writable \\(EROFS\\)`));
        await expectConfigError(path.join(ro.dir, 'new', 'state.sqlite'), /its folder .* cannot be created \(EROFS\)/);
        const status = await f.run(['status', '4'], { env: { ATTACHMENT_SYNC_DB_PATH: dbPath } });
        assert.equal(status.code, 0, status.err);
        assert.match(status.out, /^Work item 4 \(tracked\)/);
      } finally {
        ro.setReadOnly(false);
      }
    });

    it('a read-only file in a writable folder', async function () {
      const dbPath = path.join(f.dir, 'ro-file.sqlite');
      assert.equal((await f.run(['track', '4'], { env: { ATTACHMENT_SYNC_DB_PATH: dbPath } })).code, 0);
      const undo = skipUnlessMounted(this, bindReadOnly(dbPath));
      try {
        const before = readFileSync(dbPath);
        await expectConfigError(dbPath, /the file is read-only \(EROFS\)/, ['track', '2']);
        assert.deepEqual(readFileSync(dbPath), before);
      } finally {
        undo();
      }
    });
  });
});
