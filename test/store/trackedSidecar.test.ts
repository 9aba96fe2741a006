// The tracked work items outlive a damaged or deleted database through <db>.tracked.json.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { trackedSidecarName } from '../../src/core/store';
import { TempStores } from './helpers';

describe('store: tracked work items sidecar', () => {
  let t: TempStores;
  beforeEach(() => { t = new TempStores(); });
  afterEach(() => t.cleanup());

  const sidecar = () => JSON.parse(fs.readFileSync(trackedSidecarName(t.dbPath()), 'utf8')) as { version: number; items: { workItemId: number }[] };

  it('is written with the database when tracking changes, and only then', async () => {
    const s = await t.open();
    s.flush();
    assert.equal(fs.existsSync(trackedSidecarName(t.dbPath())), false, 'nothing tracked yet: no sidecar');
    s.trackedItems.track({ workItemId: 7, projectName: 'Demo', title: 'Seven' });
    s.trackedItems.track({ workItemId: 9, projectName: 'Other' });
    s.flush();
    assert.deepEqual(sidecar().items.map((i) => i.workItemId), [7, 9]);
    s.trackedItems.untrack(9);
    s.flush();
    assert.deepEqual(sidecar().items.map((i) => i.workItemId), [7]);
    const before = fs.statSync(trackedSidecarName(t.dbPath())).mtimeMs;
    s.trackedItems.markChecked(7, 3);
    s.flush();
    assert.equal(fs.statSync(trackedSidecarName(t.dbPath())).mtimeMs, before, 'a check is no tracking change');
  });

  it('brings the tracked items back into a database that replaced a damaged one, or one that was deleted', async () => {
    const s = await t.open();
    s.trackedItems.track({ workItemId: 7, projectName: 'Demo', title: 'Seven', localFolder: 'seven' });
    s.close();
    fs.writeFileSync(t.dbPath(), 'not a database at all, but long enough to be read as a header......................................................');
    const recovered = await t.open();
    assert.equal(recovered.recovered?.restoredTracked, 1);
    assert.match(recovered.recovered?.message ?? '', /1 tracked work item\(s\) were restored from .*state\.sqlite\.tracked\.json/);
    assert.deepEqual(recovered.trackedItems.list().map((r) => [r.workItemId, r.projectName, r.title, r.localFolder]), [[7, 'Demo', 'Seven', 'seven']]);
    recovered.close();
    fs.rmSync(t.dbPath());
    const fresh = await t.open();
    assert.deepEqual(fresh.trackedItems.list().map((r) => r.workItemId), [7]);
  });

  it('a healthy database is the truth: the sidecar is not read; a damaged sidecar is said, not fatal', async () => {
    const s = await t.open();
    s.trackedItems.track({ workItemId: 7, projectName: 'Demo' });
    s.close();
    fs.writeFileSync(trackedSidecarName(t.dbPath()), JSON.stringify({ version: 1, items: [{ workItemId: 8, projectName: 'Demo', addedAt: 'x' }] }));
    const again = await t.open();
    assert.deepEqual(again.trackedItems.list().map((r) => r.workItemId), [7]);
    again.close();
    fs.rmSync(t.dbPath());
    fs.writeFileSync(trackedSidecarName(t.dbPath()), '{"version":1,"items":[');
    const fresh = await t.open();
    assert.deepEqual(fresh.trackedItems.list(), []);
    assert.ok(t.logs.some((l) => l.includes('could not be read from') && l.includes('tracked.json')), t.logs.join('\n'));
  });
});
