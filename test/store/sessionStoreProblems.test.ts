// What the extension learns about the database's problems, through the vscode-free session core
// and status model on real parts: a full tmpfs, a damaged file, a path under a regular file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { openStore, type StoreWriteError } from '../../src/core/store';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import { StatusModel } from '../../src/vscode/statusBarModel';
import { SyncSessionCore, type SessionStatus } from '../../src/vscode/syncSessionCore';
import { SmallFileSystem, skipUnlessMounted } from './smallFileSystem';

function sessionAt(dbPath: string, logs: string[]): SyncSessionCore {
  return new SyncSessionCore({
    openStore: (o) => openStore({ ...o, debounceMs: 60_000, retryMs: 100 }),
    createEngine: createSyncEngine,
    target: () => ({ dbPath, workspaceRoot: path.dirname(dbPath), settings: DEFAULT_SETTINGS }),
    origin: { client: 'vscode', version: '0.0.0-test' },
    log: (level, m) => logs.push(`${level} ${m}`),
  });
}

describe('extension session: database problems', () => {
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'session-store-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a full disk reaches the status bar as "database not saved" with the message, and clears when saved again', async function () {
    const mnt = path.join(root, 'mnt');
    const fsys = skipUnlessMounted(this, SmallFileSystem.mount(mnt, 1024 * 1024));
    const logs: string[] = [];
    const core = sessionAt(path.join(mnt, 'state.sqlite'), logs);
    try {
      const model = new StatusModel();
      model.setConnection({ identity: 'me', orgUrl: 'http://ado', project: 'Demo' });
      const seen: (StoreWriteError | undefined)[] = [];
      core.onStoreProblem((p) => { seen.push(p); model.setStoreProblem(p?.message); });
      const store = (await core.store())!;
      const filler = fsys.fill(8 * 1024);
      const run = store.history.create({});
      store.history.addItems(run.id, Array.from({ length: 800 }, (_, i) => ({ itemName: `f-${i}-${'y'.repeat(60)}`, status: 'uploaded' as const })));
      assert.throws(() => store.flush());
      assert.equal(seen.filter(Boolean).length, 1);
      const view = model.view();
      assert.equal(view.text, '$(error) ADO: database not saved');
      assert.equal(view.warning, true);
      assert.match(view.tooltip, /could not be saved \(ENOSPC/);
      assert.ok(logs.some((l) => l.includes('could not be saved')), logs.join('\n'));
      fs.rmSync(filler);
      const end = Date.now() + 3000;
      while (seen.at(-1) !== undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
      model.setStoreProblem(seen.at(-1)?.message);
      assert.equal(model.view().text, '$(check) ADO: synced');
    } finally {
      await core.close();
      fsys.unmount();
    }
  });

  it('a damaged database is logged as an error once, and the store says where the copy is', async () => {
    const dbPath = path.join(root, 'state.sqlite');
    fs.writeFileSync(dbPath, Buffer.alloc(0));
    const logs: string[] = [];
    const core = sessionAt(dbPath, logs);
    const store = (await core.store())!;
    assert.match(store.damaged?.movedTo ?? '', /state\.sqlite\.corrupt-/);
    assert.equal(logs.filter((l) => l.startsWith('error ') && l.includes('is damaged')).length, 1, logs.join('\n'));
    const said = logs.filter((l) => l.includes('is damaged')).length;
    await core.close();
    await core.store();
    assert.equal(logs.filter((l) => l.includes('is damaged')).length, said, 'not again once replaced');
    await core.close();
  });

  it('a path under a regular file is an error status naming adoSync.dbPath', async () => {
    fs.writeFileSync(path.join(root, 'file'), 'x');
    const logs: string[] = [];
    const core = sessionAt(path.join(root, 'file', 'state.sqlite'), logs);
    const states: SessionStatus[] = [];
    core.onDidChange((s) => states.push(s));
    await assert.rejects(core.store());
    const last = states.at(-1);
    assert.equal(last?.kind, 'error');
    assert.match(last?.kind === 'error' ? last.message : '', /is a file, not a folder .*adoSync\.dbPath/);
  });
});
