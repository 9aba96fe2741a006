// An attachment the service stores compressed (older clients uploaded through the file service)
// comes with Content-Encoding: gzip whether or not the client accepts it (ado-behaviour.md §3).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { adminUrl } from '../emulator-tests/client';
import { clientFor, setFaults, useLiveEmulator } from './support';

describe('ado client live: downloads of attachments stored compressed', function () {
  this.timeout(20_000);
  const live = useLiveEmulator();

  async function colleagueUpload(content: Buffer): Promise<string> {
    const reply = await fetch(adminUrl(live.emulator, '/_emulator/work-items/6/attachments?fileName=legacy.log&storedCompressed=true'), { method: 'POST', body: new Uint8Array(content) });
    return ((await reply.json()) as { id: string }).id;
  }

  it('writes the original bytes, checked against the expected size and SHA-256', async () => {
    const content = Buffer.concat([Buffer.from('log line\n'.repeat(20_000)), randomBytes(70_000)]);
    const id = await colleagueUpload(content);
    const dest = path.join(live.dir.path, 'legacy.log');
    const sha256 = createHash('sha256').update(content).digest('hex');
    const result = await clientFor(live.emulator).downloadAttachment(id, dest, { expectedSize: content.length, expectedSha256: sha256 });
    assert.deepEqual([result.size, result.sha256], [content.length, sha256]);
    assert.ok((await readFile(dest)).equals(content));
  });

  it('a compressed body cut short is retried, never written', async () => {
    const content = Buffer.from('again '.repeat(50_000));
    const id = await colleagueUpload(content);
    await setFaults(live.emulator, [{ route: 'attachments/', method: 'GET', rate: 1, count: 1, kinds: ['truncate'] }]);
    const dest = path.join(live.dir.path, 'cut.log');
    const result = await clientFor(live.emulator).downloadAttachment(id, dest);
    assert.equal(result.sha256, createHash('sha256').update(content).digest('hex'));
  });
});
