// Transient failures injected by the emulator: whatever breaks, every attachment arrives
// byte-identical (hash computed by the emulator) and is linked exactly once.
import assert from 'node:assert/strict';
import path from 'node:path';
import { sha256OfFile } from '../../src/core/ado';
import type { RunningEmulator } from '../emulator/index';
import { attachmentRelations, clearFaults, clientFor, emulatorState, emulatorStats, type ScratchDir, setFaults, storedAttachment, useLiveEmulator } from './support';

describe('ado client live: 30% injected faults', function () {
  this.timeout(60_000);
  const live = useLiveEmulator();
  let emulator: RunningEmulator;
  let dir: ScratchDir;
  before(() => ({ emulator, dir } = live));

  it('20 files of mixed sizes (half chunked): byte-identical on the server, one relation each, downloads verified', async () => {
    const workItem = await clientFor(emulator).createWorkItem({ type: 'Task', fields: { 'System.Title': 'fault target' } });
    const sizes = [0, 1, 700, 4096, 65_535, 65_536, 65_537, 100_000, 150_000, 200_000, 257_000, 300_001, 12_345, 33, 80_000, 131_072, 5, 99_999, 250_000, 16_384];
    const files = await Promise.all(sizes.map((size, i) => dir.file(`f${String(i).padStart(2, '0')}.bin`, size)));
    // Retry-After 0 keeps 429/503 quick; 8 retries make six faults in a row on one request
    // (0.3^9 per request) a practical impossibility, so a failure here is a real bug.
    const retried: string[] = [];
    const client = clientFor(emulator, { maxRetries: 8, log: (level, message) => level === 'warn' && retried.push(message) });
    await setFaults(emulator, [{ rate: 0.3, kinds: ['429', '500', '503', 'reset', 'reset-mid-body', 'truncate', 'lose-answer'], retryAfterSeconds: 0 }], 4242);
    const before = await emulatorStats(emulator);
    const results = [];
    for (const [i, file] of files.entries()) {
      const uploaded = i % 2 === 1 ? await client.uploadAttachmentChunked(file.path, { chunkSize: 32 * 1024 }) : await client.uploadAttachment(file.path);
      assert.equal(uploaded.sha256, file.sha256, `${path.basename(file.path)}: hash while sending`);
      const link = await client.linkAttachment(workItem.id, uploaded.url, { comment: `sha256:${file.sha256}`, name: path.basename(file.path) });
      const dest = path.join(dir.path, 'down', path.basename(file.path));
      await client.downloadAttachment(uploaded.id, dest, { expectedSize: file.size, expectedSha256: file.sha256 });
      assert.equal((await sha256OfFile(dest)).sha256, file.sha256);
      results.push({ file, uploaded, link });
    }
    const after = await emulatorStats(emulator);
    await clearFaults(emulator);
    const faults = after.faultsInjected - before.faultsInjected;
    const requests = after.totalRequests - before.totalRequests;
    assert.ok(faults >= 0.2 * requests, `faults were injected (${faults} of ${requests} requests)`);
    assert.ok(retried.some((m) => /Network error.*\(PUT /.test(m)), 'some chunk broke on the wire and was sent again');
    const replays = (after.routes['PUT /_apis/wit/attachments/{id}']?.byStatus['202'] ?? 0) - (before.routes['PUT /_apis/wit/attachments/{id}']?.byStatus['202'] ?? 0);
    assert.ok(replays > 0, 'chunks were answered 202');

    const state = await emulatorState(emulator);
    const relations = attachmentRelations(state, workItem.id);
    assert.equal(relations.length, files.length, 'one relation per file');
    for (const { file, uploaded } of results) {
      const stored = storedAttachment(state, uploaded.id);
      assert.deepEqual([stored.complete, stored.size, stored.sha256], [true, file.size, file.sha256], `${path.basename(file.path)} stored intact`);
      assert.equal(relations.filter((r) => r.url.toLowerCase().endsWith(uploaded.id)).length, 1, `${path.basename(file.path)} linked once`);
    }
  });
});
