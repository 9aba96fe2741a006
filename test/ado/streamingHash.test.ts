import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashFileRange, newSha256, sha256OfFile } from '../../src/core/ado/streamingHash';

describe('ado: streaming hash', () => {
  let dir: string;
  const content = randomBytes(3 * 1024 * 1024 + 17);
  let file: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ado-hash-'));
    file = path.join(dir, 'data.bin');
    writeFileSync(file, content);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a whole file as createHash does', async () => {
    const result = await sha256OfFile(file);
    assert.equal(result.size, content.length);
    assert.equal(result.sha256, createHash('sha256').update(content).digest('hex'));
  });

  it('hashes byte ranges that continue one running hash', async () => {
    const hash = newSha256();
    const cut = 1024 * 1024 + 5;
    assert.equal(await hashFileRange(file, hash, 0, cut), cut);
    const prefix = hash.copy().digest('hex');
    assert.equal(prefix, createHash('sha256').update(content.subarray(0, cut)).digest('hex'));
    assert.equal(await hashFileRange(file, hash, cut, content.length), content.length - cut);
    assert.equal(hash.digest('hex'), createHash('sha256').update(content).digest('hex'));
    assert.equal(await hashFileRange(file, newSha256(), 5, 5), 0);
  });
});
