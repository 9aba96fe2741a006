/**
 * What recording one acknowledged chunk costs, by database size: `npx tsx bench/chunkBookkeeping.ts`
 * (`--quick` stops at 10 MB). Beside each other in one run: the whole-database flush that every
 * chunk used to cost (export + temp file + fsync + rename), and the upload journal's atomic write of
 * one small file that replaces it. The journal's cost must be flat in the database's size.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type SyncStore } from '../src/core/store';
import { UploadJournal, type JournalEntry } from '../src/core/sync/uploadJournal';

const quick = process.argv.includes('--quick');
const targets = quick ? [10] : [10, 100, 180];

function p50(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Grows the database with history items (the bulk of a long-used database) to about `mb` megabytes. */
function grow(store: SyncStore, mb: number): void {
  const run = store.history.create({});
  const batch = Array.from({ length: 1000 }, (_, i) => ({ itemName: `evidence-file-${i}-with-a-longer-name.pdf`, status: 'uploaded' as const,
    fileSize: 1000 + i, workItemId: i % 2000, sha256: `${i}`.padStart(64, 'a'), filePath: `/workspace/.ado-attachments/${i % 2000}/evidence-file-${i}.pdf` }));
  while (fs.existsSync(store.path) ? fs.statSync(store.path).size < mb * 1048576 : true) {
    for (let k = 0; k < 50; k++) store.history.addItems(run.id, batch);
    store.flush();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chunk-bench-'));
  console.log('per acknowledged chunk: whole-database flush (before) vs upload journal write (now), p50 of 20');
  console.log(`${'database'.padStart(10)}${'flush ms'.padStart(12)}${'journal ms'.padStart(12)}${'ratio'.padStart(10)}`);
  for (const mb of targets) {
    const store = await openStore({ path: path.join(dir, `db-${mb}.sqlite`), debounceMs: 3_600_000, maxDelayMs: 3_600_000 });
    grow(store, mb);
    const size = fs.statSync(store.path).size;
    const flushes: number[] = [];
    for (let i = 0; i < 20; i++) {
      // What the old per-chunk bookkeeping did: one row update, then the whole file written again.
      store.events.log({ eventType: 'chunk', message: `chunk ${i}` });
      const t0 = performance.now();
      store.flush();
      flushes.push(performance.now() - t0);
    }
    const journal = new UploadJournal(`${store.path}.uploads`);
    const entry: JournalEntry = { sessionUuid: '2b0f7f7e-1c1a-4f5e-9a39-1d1b6f6c0a11', workItemId: 5, filePath: '/workspace/video.mp4', fileName: 'video.mp4',
      sha256: 'a'.repeat(64), totalSize: 500 * 1048576, chunkSize: 5 * 1048576, uploadId: 'u', uploadUrl: 'https://x/_apis/wit/attachments/u', nextByte: 0,
      sentSha256: 'b'.repeat(64), failures: 0, updatedAt: new Date().toISOString() };
    const writes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      journal.write({ ...entry, nextByte: (i + 1) * entry.chunkSize });
      writes.push(performance.now() - t0);
    }
    const f = p50(flushes);
    const j = p50(writes);
    console.log(`${`${(size / 1048576).toFixed(0)} MB`.padStart(10)}${f.toFixed(2).padStart(12)}${j.toFixed(2).padStart(12)}${`${(f / j).toFixed(0)}x`.padStart(10)}`);
    store.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
