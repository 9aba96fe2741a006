// A chunk stored by the service whose answer never arrived (fault lose-answer). The real service
// takes a replayed middle chunk as a no-op, and answers a chunk after completion with a 5xx (or
// a 400, behind the emulator's flag): the client must go on, or start a fresh session, never loop.
import assert from 'node:assert/strict';
import type { FaultRule, RunningEmulator } from '../emulator/index';
import { clientFor, emulatorState, emulatorStats, routeDelta, ROUTE, type ScratchDir, setFaults, storedAttachment, useLiveEmulator } from './support';

const CHUNK = 64 * 1024;

for (const scatterStatus of [500, 400] as const) {
  describe(`ado client live: lost chunk answers (chunks after completion answer ${scatterStatus})`, function () {
    this.timeout(30_000);
    const live = useLiveEmulator({ fidelity: { scatterStatus } });
    let emulator: RunningEmulator;
    let dir: ScratchDir;
    before(() => ({ emulator, dir } = live));

    /** Uploads with the next chunk PUTs failing by `rules` once `nextByte` reaches `loseAfter`. */
    async function uploadLosing(name: string, size: number, loseAfter: number, rules: FaultRule[] = [{ route: 'attachments/', method: 'PUT', rate: 1, count: 1, kinds: ['lose-answer'] }]) {
      const file = await dir.file(name, size);
      const warnings: string[] = [];
      const client = clientFor(emulator, { log: (level, message) => level === 'warn' && warnings.push(message) });
      const before = await emulatorStats(emulator);
      const sessions = new Set<string>();
      const result = await client.uploadAttachmentChunked(file.path, {
        chunkSize: CHUNK,
        onSession: async (r) => {
          sessions.add(r.uploadId);
          if (r.nextByte === loseAfter && sessions.size === 1) await setFaults(emulator, rules);
        },
      });
      const stats = await emulatorStats(emulator);
      const stored = storedAttachment(await emulatorState(emulator), result.id);
      assert.deepEqual([stored.complete, stored.sha256, result.sha256], [true, file.sha256, file.sha256]);
      return { result, warnings, sessions, chunkBytes: stats.uploads.chunkBodyBytes - before.uploads.chunkBodyBytes, puts: routeDelta(before, stats, ROUTE.chunk), file };
    }

    it('a lost answer to a middle chunk: the re-sent chunk is a no-op and the session goes on (one chunk sent again)', async () => {
      const { sessions, chunkBytes, file, warnings } = await uploadLosing('middle.bin', 4 * CHUNK, CHUNK);
      assert.equal(sessions.size, 1, warnings.join('\n'));
      assert.equal(chunkBytes, file.size + CHUNK);
    });

    it('a reset, then a 503 on the re-send: a busy front end, retried in the same session', async () => {
      const { sessions, warnings } = await uploadLosing('busy.bin', 3 * CHUNK, CHUNK, [
        { route: 'attachments/', method: 'PUT', rate: 1, count: 1, kinds: ['reset'] },
        { route: 'attachments/', method: 'PUT', rate: 1, count: 1, kinds: ['503'], retryAfterSeconds: 0 },
      ]);
      assert.equal(sessions.size, 1, warnings.join('\n'));
    });

    it('a lost answer to the last chunk: the re-send fails once, not retried, and a fresh session uploads the file whole', async () => {
      const { sessions, chunkBytes, file, warnings, puts } = await uploadLosing('last.bin', 3 * CHUNK, 2 * CHUNK);
      assert.equal(sessions.size, 2);
      assert.ok(warnings.some((w) => /new upload session/.test(w)), warnings.join('\n'));
      assert.equal(puts.byStatus[String(scatterStatus)], 1, `one ${scatterStatus}, no retries of it`);
      assert.equal(chunkBytes, 2 * file.size + CHUNK);
    });
  });
}
