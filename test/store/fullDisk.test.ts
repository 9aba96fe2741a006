// A full disk under the database, on a real 1 MiB tmpfs: a save that cannot be completed must
// leave the good file in place, say so (path, free space), keep the changes in memory and retry.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, StoreWriteError, type SyncStore } from '../../src/core/store';
import { LoopFileSystem, SmallFileSystem, skipUnlessMounted } from './smallFileSystem';

function addItems(store: SyncStore, n: number, tag: string): void {
  const run = store.history.create({});
  store.history.addItems(run.id, Array.from({ length: n }, (_, i) => ({ itemName: `${tag}-${i}-${'x'.repeat(60)}`, status: 'uploaded' as const })));
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('store: full disk (real tmpfs)', function () {
  let root: string;
  let fsys: SmallFileSystem;
  let dbPath: string;
  const logs: string[] = [];

  before(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fulldisk-'));
    fsys = skipUnlessMounted(this, SmallFileSystem.mount(root, 1024 * 1024));
    dbPath = path.join(root, 'state.sqlite');
  });
  after(() => {
    try { fsys?.unmount(); } finally { fs.rmSync(root, { recursive: true, force: true }); }
  });

  it('a save that runs out of space keeps the good file, reports path and free space, keeps the rows and retries', async () => {
    const first = await openStore({ path: dbPath, debounceMs: 60_000, log: (m) => logs.push(m) });
    addItems(first, 300, 'before');
    first.close();
    const good = fs.readFileSync(dbPath);

    const store = await openStore({ path: dbPath, debounceMs: 60_000, retryMs: 100, log: (m) => logs.push(m) });
    const seen: (StoreWriteError | undefined)[] = [];
    store.onWriteProblem((p) => seen.push(p));
    const filler = fsys.fill(48 * 1024);
    addItems(store, 1000, 'after');

    assert.throws(() => store.flush(), (e: unknown) => {
      assert.ok(e instanceof StoreWriteError, String(e));
      assert.equal(e.code, 'ENOSPC');
      assert.ok(e.message.includes(dbPath), e.message);
      assert.match(e.message, /\d+(\.\d)? KB free on its file system/);
      assert.match(e.message, /previous file is kept unchanged/);
      return true;
    });
    assert.deepEqual(fs.readFileSync(dbPath), good, 'the good file is untouched');
    assert.deepEqual(fs.readdirSync(root).filter((n) => n.includes('.tmp-')), [], 'no temp file left behind');
    assert.equal(store.writeProblem?.code, 'ENOSPC');
    assert.equal(seen.length, 1);
    assert.ok(logs.some((l) => l.includes('could not be saved')), 'logged');
    assert.equal(store.isDirty, true, 'the changes are still waiting to be saved');
    assert.equal(store.history.count(), 2, 'and still there in memory');

    // Space comes back: the retry timer saves without anyone calling flush.
    fs.rmSync(filler);
    await until(() => store.writeProblem === undefined, 3000);
    assert.equal(seen.at(-1), undefined, 'told that it is saved again');
    assert.equal(store.isDirty, false);
    store.close();
    const reopened = await openStore({ path: dbPath, readOnly: true });
    assert.equal(reopened.history.count(), 2);
    assert.equal(reopened.damaged, undefined);
    reopened.close();
  });

  it('closing on a full disk throws the typed error and still leaves the good file and no temp file', async () => {
    const good = fs.readFileSync(dbPath);
    const store = await openStore({ path: dbPath, debounceMs: 60_000, retryMs: 100 });
    const filler = fsys.fill(16 * 1024, 'filler2.bin');
    try {
      addItems(store, 1000, 'lost');
      assert.throws(() => store.close(), StoreWriteError);
      assert.deepEqual(fs.readFileSync(dbPath), good);
      assert.deepEqual(fs.readdirSync(root).filter((n) => n.includes('.tmp-') || n.endsWith('.lock')), [], 'no temp file, lock released');
    } finally {
      fs.rmSync(filler);
    }
  });
});

describe('store: a device that fails at fsync (real ext4 on a loop device)', function () {
  let root: string;
  let loop: LoopFileSystem;
  before(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fsync-'));
    loop = skipUnlessMounted(this, LoopFileSystem.mount(root, 8 * 1024 * 1024, 32 * 1024 * 1024));
  });
  after(() => {
    try { loop?.unmount(); } finally { fs.rmSync(root, { recursive: true, force: true }); }
  });

  it('every byte written but fsync failing: the good file stays, the error is typed, no temp file is left', async () => {
    const dbPath = path.join(loop.dir, 'state.sqlite');
    const first = await openStore({ path: dbPath, debounceMs: 60_000 });
    addItems(first, 300, 'before');
    first.close();
    const good = fs.readFileSync(dbPath);
    const store = await openStore({ path: dbPath, debounceMs: 60_000, retryMs: 60_000 });
    loop.breakDevice();
    addItems(store, 1000, 'after');
    assert.throws(() => store.flush(), (e: unknown) => e instanceof StoreWriteError && /fsync/.test(e.detail) && e.message.includes(dbPath));
    assert.deepEqual(fs.readFileSync(dbPath), good);
    assert.deepEqual(fs.readdirSync(loop.dir).filter((n) => n.includes('.tmp-')), []);
    assert.equal(store.isDirty, true);
    assert.throws(() => store.close(), StoreWriteError);
  });
});

describe('store: temp files of a writer that died', () => {
  it('are removed by the next writer, and a colleague file of a similar name is not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-tmp-'));
    try {
      const dbPath = path.join(dir, 'state.sqlite');
      fs.writeFileSync(`${dbPath}.tmp-99999`, 'half a database');
      fs.writeFileSync(`${dbPath}.tracked.json.tmp-99998`, '{');
      fs.writeFileSync(path.join(dir, 'notes.tmp-1'), 'mine');
      const logs: string[] = [];
      const store = await openStore({ path: dbPath, log: (m) => logs.push(m) });
      store.close();
      assert.deepEqual(fs.readdirSync(dir).sort(), ['notes.tmp-1', 'state.sqlite']);
      assert.ok(logs.some((l) => l.includes('state.sqlite.tmp-99999')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
