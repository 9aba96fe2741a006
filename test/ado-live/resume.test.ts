// Resumable chunked uploads: a resumed upload sends only what the server has not acknowledged,
// and refuses a file that changed since.
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { type AdoClient, CancelledError, UploadSessionMismatchError, type UploadSessionRecord } from '../../src/core/ado';
import type { RunningEmulator } from '../emulator/index';
import { clearFaults, clientFor, emulatorState, emulatorStats, ROUTE, routeDelta, type ScratchDir, setFaults, storedAttachment, useLiveEmulator, waitForStats } from './support';

const CHUNK = 64 * 1024;

describe('ado client live: resumed chunked uploads', function () {
  this.timeout(20_000);
  const live = useLiveEmulator({ seed: 'empty' });
  let emulator: RunningEmulator;
  let client: AdoClient;
  let dir: ScratchDir;
  before(() => ({ emulator, client, dir } = live));

  /** Uploads until `stopAt` bytes are acknowledged, then cancels; returns the last persisted record. */
  async function interrupted(path: string, stopAt: number): Promise<UploadSessionRecord> {
    const controller = new AbortController();
    let saved: UploadSessionRecord | undefined;
    await assert.rejects(
      client.uploadAttachmentChunked(path, {
        chunkSize: CHUNK,
        signal: controller.signal,
        onSession: (record) => {
          // What a caller would persist (a copy: the record is the caller's from now on).
          saved = { ...record };
          if (record.nextByte >= stopAt) controller.abort();
        },
      }),
      CancelledError,
    );
    assert.ok(saved);
    return saved;
  }

  it('sends only the remaining bytes, in the same session, and the server ends with the whole file', async () => {
    const file = await dir.file('resume.bin', 10 * CHUNK + 1234);
    const record = await interrupted(file.path, 4 * CHUNK);
    assert.equal(record.nextByte, 4 * CHUNK);
    const before = await emulatorStats(emulator);
    const resumed = await client.uploadAttachmentChunked(file.path, { chunkSize: CHUNK, resume: record });
    const after = await emulatorStats(emulator);

    const remaining = file.size - record.nextByte;
    const puts = routeDelta(before, after, ROUTE.chunk);
    assert.equal(puts.count, 7, '6 full chunks and the 1,234-byte tail');
    assert.ok(puts.bytesIn >= remaining && puts.bytesIn < remaining + 7 * 1024, `only the remaining ${remaining} bytes, plus headers (${puts.bytesIn})`);
    assert.equal(routeDelta(before, after, ROUTE.attachments).count, 0, 'no new session');
    assert.equal(resumed.id, record.uploadId);
    assert.equal(resumed.sha256, file.sha256, 'the hash covers the whole file, not just the resumed part');
    const stored = storedAttachment(await emulatorState(emulator), resumed.id);
    assert.deepEqual([stored.complete, stored.size, stored.sha256], [true, file.size, file.sha256]);
  });

  it('a file changed since (same size, other bytes; or other size) fails with UploadSessionMismatchError and sends nothing', async () => {
    const file = await dir.file('changed.bin', 6 * CHUNK);
    const record = await interrupted(file.path, 2 * CHUNK);
    const handle = await open(file.path, 'r+');
    try {
      await handle.write(Buffer.from('edited'), 0, 6, CHUNK + 10);
    } finally {
      await handle.close();
    }
    const before = await emulatorStats(emulator);
    await assert.rejects(client.uploadAttachmentChunked(file.path, { chunkSize: CHUNK, resume: record }), UploadSessionMismatchError);
    await assert.rejects(client.uploadAttachmentChunked(file.path, { chunkSize: CHUNK, resume: { ...record, total: record.total + 1 } }), UploadSessionMismatchError);
    assert.equal((await emulatorStats(emulator)).totalRequests - before.totalRequests, 1, 'only our stats call');
    assert.equal(storedAttachment(await emulatorState(emulator), record.uploadId).size, 2 * CHUNK, 'the partial upload is untouched');
  });

  it('cancelled mid-chunk after the server took the whole chunk: the replayed chunk is a no-op and the same session completes, whole', async () => {
    const file = await dir.file('midchunk.bin', 5 * CHUNK);
    // The server holds every chunk for 300 ms before reading it: cancel while the third waits.
    await setFaults(emulator, [{ route: 'attachments/', method: 'PUT', rate: 1, kinds: ['delay'], delayMs: 300 }]);
    const controller = new AbortController();
    let saved: UploadSessionRecord | undefined;
    const before = await emulatorStats(emulator);
    const upload = client.uploadAttachmentChunked(file.path, { chunkSize: CHUNK, signal: controller.signal, onSession: (r) => void (saved = { ...r }) });
    const rejected = assert.rejects(upload, CancelledError);
    await waitForStats(emulator, (s) => s.faultsInjected >= before.faultsInjected + 3);
    controller.abort();
    await rejected;
    assert.equal(saved?.nextByte, 2 * CHUNK);
    // The chunk was on the wire: the server still stores it, unacknowledged.
    await waitForStats(emulator, (s) => routeDelta(before, s, ROUTE.chunk).count >= 3);
    for (let i = 0; i < 50 && storedAttachment(await emulatorState(emulator), saved.uploadId).size < 3 * CHUNK; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(storedAttachment(await emulatorState(emulator), saved.uploadId).size, 3 * CHUNK);
    await clearFaults(emulator);

    const logs: string[] = [];
    const logging = clientFor(emulator, { log: (_level, message) => logs.push(message) });
    const resumedAt = await emulatorStats(emulator);
    const result = await logging.uploadAttachmentChunked(file.path, { chunkSize: CHUNK, resume: saved });
    assert.equal(result.id, saved.uploadId, 'the same session');
    assert.equal(result.sha256, file.sha256);
    const resumedChunks = routeDelta(resumedAt, await emulatorStats(emulator), ROUTE.chunk);
    assert.equal(resumedChunks.count, 3, 'the replayed chunk, then the last two');
    assert.deepEqual(resumedChunks.byStatus, { 202: 2, 201: 1 }, 'the replay is a 202 no-op (ado-behaviour.md §1)');
    const stored = storedAttachment(await emulatorState(emulator), result.id);
    assert.deepEqual([stored.complete, stored.sha256], [true, file.sha256]);

    // A record behind a session that completed: every chunk after completion answers 500 (not
    // retried: the earlier try may have been stored), and only a new session is sure to be whole.
    const twoBehind = await dir.file('twobehind.bin', 5 * CHUNK);
    let first: UploadSessionRecord | undefined;
    const full = await client.uploadAttachmentChunked(twoBehind.path, { chunkSize: CHUNK, onSession: (r) => void (r.nextByte === CHUNK ? (first = { ...r }) : undefined) });
    assert.ok(first);
    const warnings: string[] = [];
    const restarting = clientFor(emulator, { log: (level, message) => level === 'warn' && warnings.push(message) });
    const again = await restarting.uploadAttachmentChunked(twoBehind.path, { chunkSize: CHUNK, resume: first });
    assert.notEqual(again.id, full.id);
    assert.ok(warnings.some((w) => /new upload session/.test(w)), warnings.join('\n'));
    const whole = storedAttachment(await emulatorState(emulator), again.id);
    assert.deepEqual([whole.complete, whole.sha256], [true, twoBehind.sha256]);
  });
});
