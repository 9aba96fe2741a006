import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { markerOf } from '../../src/core/sync/contentMarker';
import { SyncWorld } from './support';

interface UploadStats { simpleBodyBytes: number; chunkBodyBytes: number; chunkedStarts: number }
interface StateAttachment { id: string; size: number; complete: boolean; chunked: boolean }

/**
 * What re-sending cost: chunk body bytes the emulator read beyond each chunked file once, and
 * where they went (sessions left unfinished, finished but never linked, or chunks sent again
 * within the session that was linked).
 */
function reportResentBytes(files: { path: string }[], uploads: UploadStats, attachments: StateAttachment[], linkedUrls: string[]): void {
  const sizes = files.map((f) => fs.statSync(f.path).size);
  const chunked = sizes.filter((_, i) => i % 5 === 0);
  const chunkedPayload = chunked.reduce((a, b) => a + b, 0);
  const simplePayload = sizes.reduce((a, b) => a + b, 0) - chunkedPayload;
  const resentChunked = uploads.chunkBodyBytes - chunkedPayload;
  const resentSimple = uploads.simpleBodyBytes - simplePayload;
  const sessions = attachments.filter((a) => a.chunked);
  const linked = (a: StateAttachment) => linkedUrls.some((url) => url.endsWith(a.id));
  const unfinished = sessions.filter((a) => !a.complete);
  const unlinked = sessions.filter((a) => a.complete && !linked(a));
  const sum = (list: StateAttachment[]) => list.reduce((n, a) => n + a.size, 0);
  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
  console.log(`      soak re-sent bytes: chunked ${resentChunked} of ${chunkedPayload} (${pct(resentChunked, chunkedPayload)}), `
    + `simple ${resentSimple} of ${simplePayload} (${pct(resentSimple, simplePayload)}); chunked sessions: ${sessions.length} for ${chunked.length} files, `
    + `${unfinished.length} left unfinished (${sum(unfinished)} bytes), ${unlinked.length} finished but not linked (${sum(unlinked)} bytes)`);
}

// 200 files of mixed sizes (a fifth chunked) through an emulator that injects 20% faults on every
// route: 429 with Retry-After, 503, connection resets before the answer and in the middle of bodies,
// answers lost after the request was carried out, delays. Every file must end linked exactly once
// with its bytes equal in ADO, and the history counters must equal the outcome.
describe('sync engine fault soak', function () {
  this.timeout(240_000);
  let w: SyncWorld;
  afterEach(async () => { await w.stop(); });

  it('200 files under 20% faults: each linked exactly once, bytes equal, counters equal the outcome', async () => {
    w = await new SyncWorld().start(
      { faults: [{ rate: 0.2, kinds: ['429', '503', 'reset', 'reset-mid-body', 'delay', 'lose-answer'], retryAfterSeconds: 1, delayMs: 30 }], faultSeed: 42 },
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
    const stats = (await (await fetch(`http://127.0.0.1:${w.emulator.port}/_emulator/stats`)).json()) as { faultsInjected: number; uploads: UploadStats };
    const snapshot = (await (await fetch(`http://127.0.0.1:${w.emulator.port}/_emulator/state`)).json()) as { attachments: StateAttachment[]; workItems: { relations: { url: string }[] }[] };
    reportResentBytes(files, stats.uploads, snapshot.attachments, snapshot.workItems.flatMap((i) => i.relations.map((r) => r.url)));
    const failed = runs.flatMap((r) => r.items.filter((i) => i.status !== 'uploaded'));
    assert.deepEqual(failed.map((i) => `${i.fileName}: ${i.status} ${i.error?.message ?? ''}`), []);

    const state = await w.state();
    // The links of a work item go in one PATCH, so 200 files make fewer requests (and faults) than before.
    assert.ok(stats.faultsInjected >= 50, `faults were injected (${stats.faultsInjected})`);
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
