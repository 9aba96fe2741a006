// The live relay between engine events and the history view, on a real store and the real engine.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAdoClient, PatAuth } from '../../src/core/ado';
import { LiveRelay } from '../../src/core/history/liveRelay';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { openStore, type SyncStore } from '../../src/core/store';
import { SyncEvents } from '../../src/core/sync/events';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import type { LiveEvent } from '../../src/shared/historyProtocol';
import { startEmulator, type RunningEmulator } from '../emulator';

describe('live relay', function () {
  this.timeout(20_000);
  let dir: string;
  let store: SyncStore;
  let posted: LiveEvent[];
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-'));
    store = await openStore({ path: path.join(dir, 'state.sqlite') });
    posted = [];
  });
  afterEach(() => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('relays a real engine run: started row, progress to the total, finished row with its counters', async () => {
    const ado: RunningEmulator = await startEmulator({ pats: ['p'] });
    try {
      const client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth: new PatAuth('p'), apiVersion: '7.1' });
      const events = new SyncEvents();
      const relay = new LiveRelay(() => store, (e) => posted.push(e), 10);
      const off = relay.attach(events);
      const engine = createSyncEngine({ client, store, settings: DEFAULT_SETTINGS, workspaceRoot: dir, events });
      const files = ['a.txt', 'b.txt'].map((n) => { const f = path.join(dir, n); fs.writeFileSync(f, `content of ${n}`); return f; });
      const summary = await engine.attach({ files, workItemId: [...ado.state.workItems.keys()][0] });
      await engine.close();
      off();
      relay.dispose();
      const started = posted.find((e) => e.event === 'runStarted');
      assert.ok(started && started.event === 'runStarted');
      assert.equal(started.run.id, summary.runId);
      const finished = posted[posted.length - 1];
      assert.ok(finished.event === 'runFinished');
      assert.deepEqual([finished.run.status, finished.run.uploaded], ['completed', 2]);
      const progress = posted.filter((e): e is Extract<LiveEvent, { event: 'itemProgress' }> => e.event === 'itemProgress');
      assert.ok(progress.length >= 2);
      assert.ok(progress.every((p) => p.runId === summary.runId && p.done <= p.total));
      const dones = progress.map((p) => p.done);
      assert.deepEqual(dones, [...dones].sort((a, b) => a - b), 'progress never goes back');
    } finally {
      await ado.close();
    }
  });

  it('throttles: a burst of item events posts the first at once and one trailing update', async () => {
    const run = store.history.create({ trigger: 'manual' });
    const relay = new LiveRelay(() => store, (e) => posted.push(e), 50);
    relay.started(run.id, 100);
    posted.length = 0;
    for (let i = 0; i < 100; i++) relay.itemDone(run.id);
    assert.equal(posted.filter((e) => e.event === 'itemProgress').length, 1);
    await new Promise((r) => setTimeout(r, 120));
    const progress = posted.filter((e): e is Extract<LiveEvent, { event: 'itemProgress' }> => e.event === 'itemProgress');
    assert.equal(progress.length, 2);
    assert.deepEqual([progress[1].done, progress[1].total], [100, 100]);
    relay.finished(run.id);
    relay.dispose();
  });

  it('reads no rows while no view is open (store getter undefined) but still posts progress', () => {
    const relay = new LiveRelay(() => undefined, (e) => posted.push(e), 50);
    relay.started(7, 2);
    relay.itemDone(7);
    relay.finished(7);
    assert.deepEqual(posted.map((e) => e.event), ['itemProgress', 'itemProgress']);
    relay.dispose();
  });
});
