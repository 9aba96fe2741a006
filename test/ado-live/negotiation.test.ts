// api-version "auto" against a server whose ceiling is 5.0 (Azure DevOps Server 2019).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { RunningEmulator } from '../emulator/index';
import type { Stats } from '../emulator/state';
import { attachmentRelations, clientFor, emulatorState, emulatorStats, type ScratchDir, storedAttachment, useLiveEmulator } from './support';

/** 400 answers on any route (the version-out-of-range refusals here). */
function refusals(stats: Stats): number {
  return Object.values(stats.routes).reduce((n, r) => n + (r.byStatus['400'] ?? 0), 0);
}

describe('ado client live: api-version negotiation', function () {
  this.timeout(20_000);
  const live = useLiveEmulator({ apiVersionMax: '5.0' });
  let emulator: RunningEmulator;
  let dir: ScratchDir;
  before(() => ({ emulator, dir } = live));

  it('"auto" probes once (concurrent first calls wait for it), settles on 5.0, and every operation works', async () => {
    const client = clientFor(emulator, { apiVersion: 'auto' });
    assert.equal(client.apiVersion, undefined);
    const before = await emulatorStats(emulator);
    const [one, two, projects] = await Promise.all([client.getWorkItem(1), client.getWorkItem(2), client.listProjects()]);
    assert.deepEqual([one.id, two.id, projects[0].name], [1, 2, 'Demo']);
    assert.equal(client.apiVersion, '5.0');
    assert.equal(refusals(await emulatorStats(emulator)) - refusals(before), 1, 'one 7.1 probe refused, then 5.0 for everyone');

    const file = await dir.file('old-server.bin', 150_000);
    const uploaded = await client.uploadAttachmentChunked(file.path, { chunkSize: 64 * 1024 });
    await client.linkAttachment(3, uploaded.url, { comment: 'on 5.0' });
    const down = await client.downloadAttachment(uploaded.id, path.join(dir.path, 'back.bin'), { expectedSha256: file.sha256 });
    assert.equal(down.sha256, file.sha256);
    const { ids } = await client.queryWorkItemIds("SELECT [System.Id] FROM WorkItems WHERE [System.WorkItemType] = 'Bug'");
    assert.ok(ids.length > 0);
    const state = await emulatorState(emulator);
    assert.equal(storedAttachment(state, uploaded.id).sha256, file.sha256);
    assert.equal(attachmentRelations(state, 3).filter((r) => r.url.endsWith(uploaded.id)).length, 1);
    assert.equal(refusals(await emulatorStats(emulator)) - refusals(before), 1, 'no refusal after settling');
  });
});

// The route form names no ceiling: 7.0, 6.0, then 5.0. A translated ceiling still ends in 5.0: a hint.
for (const [fidelity, refusedProbes] of [[{ versionError: 'route' as const }, 3], [{ language: 'de' as const }, 1], [{ language: 'de' as const, versionError: 'route' as const }, 3]] as const) {
  describe(`ado client live: api-version negotiation on the typeKey (${JSON.stringify(fidelity)})`, function () {
    this.timeout(20_000);
    const live = useLiveEmulator({ apiVersionMax: '5.0', fidelity });

    it('steps down until the server accepts a version, whatever the message says', async () => {
      const emulator = live.emulator;
      const client = clientFor(emulator, { apiVersion: 'auto' });
      const before = await emulatorStats(emulator);
      assert.equal((await client.getWorkItem(1)).id, 1);
      assert.equal(client.apiVersion, '5.0');
      const refused = refusals(await emulatorStats(emulator)) - refusals(before);
      assert.equal(refused, refusedProbes);
      await client.getWorkItem(2);
      assert.equal(refusals(await emulatorStats(emulator)) - refusals(before), refused, 'no refusal after settling');
    });
  });
}
