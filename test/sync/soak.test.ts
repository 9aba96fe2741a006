import { strict as assert } from 'node:assert';
import { markerOf } from '../../src/core/sync/contentMarker';
import { SyncWorld } from './support';

// 200 files of mixed sizes (a fifth chunked) through an emulator that injects 20% faults on every
// route: 429 with Retry-After, 503, connection resets before the answer and in the middle of bodies,
// delays. Every file must end linked exactly once with its bytes equal in ADO, and the history
// counters must equal the outcome.
describe('sync engine fault soak', function () {
  this.timeout(240_000);
  let w: SyncWorld;
  afterEach(async () => { await w.stop(); });

  it('200 files under 20% faults: each linked exactly once, bytes equal, counters equal the outcome', async () => {
    w = await new SyncWorld().start(
      { faults: [{ rate: 0.2, kinds: ['429', '503', 'reset', 'reset-mid-body', 'delay'], retryAfterSeconds: 1, delayMs: 30 }], faultSeed: 42 },
      { uploadMaxRetries: 8 },
    );
    const files = Array.from({ length: 200 }, (_, i) => {
      const size = i % 5 === 0 ? 64 * 1024 * 2 + i * 7 : 200 + i * 97;
      return { workItemId: 1 + (i % 4), ...w.randomFile(`soak/${i}.bin`, size) };
    });
    const runs = [];
    for (const id of [1, 2, 3, 4]) {
      runs.push(await w.engine.attach({ files: files.filter((f) => f.workItemId === id).map((f) => f.path), workItemId: id }));
    }
    const failed = runs.flatMap((r) => r.items.filter((i) => i.status !== 'uploaded'));
    assert.deepEqual(failed.map((i) => `${i.fileName}: ${i.status} ${i.error?.message ?? ''}`), []);

    const state = await w.state();
    const stats = (await (await fetch(`http://127.0.0.1:${w.emulator.port}/_emulator/stats`)).json()) as { faultsInjected: number };
    assert.ok(stats.faultsInjected >= 100, `faults were injected (${stats.faultsInjected})`);
    for (const f of files) {
      const rels = state.workItems.find((x) => x.id === f.workItemId)!.relations.filter((r) => markerOf(r.attributes.comment) === f.sha256);
      assert.equal(rels.length, 1, `exactly one relation for ${f.path}`);
      const blob = state.attachments.find((a) => rels[0].url.endsWith(a.id));
      assert.equal(blob?.sha256, f.sha256, `bytes equal for ${f.path}`);
    }
    for (const run of runs) {
      const row = w.store.history.get(run.runId)!;
      assert.equal(row.status, 'completed');
      assert.equal(row.uploaded, run.items.length);
      assert.equal(row.itemsFailed, 0);
      assert.equal(w.store.history.items(run.runId).length, run.items.length);
    }
  });
});
