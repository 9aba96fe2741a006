import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HashCache, scanMirrorFolder } from '../../src/core/sync/mirrorFolder';

describe('mirror folder scan', () => {
  let root: string;
  beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'mirror-')); });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it('lists <workItemId>/<file> with streaming sha256, a colleague\'s *.part or *.tmp included, skipping the staging folder and non-item folders', async () => {
    await mkdir(join(root, '12'));
    await mkdir(join(root, '7'));
    await mkdir(join(root, 'notes'));
    await writeFile(join(root, '12', 'b.txt'), 'bee');
    await writeFile(join(root, '12', 'a.txt'), 'ay');
    await writeFile(join(root, '12', 'c.txt.part'), 'a file named .part');
    await mkdir(join(root, '.ado-sync-staging'));
    await writeFile(join(root, '.ado-sync-staging', 'x-0123456789ab'), 'a download in flight');
    await writeFile(join(root, '7', 'x.bin'), Buffer.alloc(3000, 1));
    await writeFile(join(root, 'notes', 'n.txt'), 'n');
    const files = await scanMirrorFolder(root);
    assert.deepEqual(files.map((f) => `${f.workItemId}/${f.fileName}`), ['7/x.bin', '12/a.txt', '12/b.txt', '12/c.txt.part']);
    assert.equal(files[1]?.sha256, createHash('sha256').update('ay').digest('hex'));
    assert.equal(files[0]?.size, 3000);
    assert.deepEqual((await scanMirrorFolder(root, [7])).map((f) => f.fileName), ['x.bin']);
  });

  it('with a cache, hashes a file again only when its size or modification time changed', async () => {
    await mkdir(join(root, '3'));
    const file = join(root, '3', 'f.txt');
    await writeFile(file, 'one');
    const cache: HashCache = new Map();
    const first = await scanMirrorFolder(root, [3], cache);
    assert.equal(first[0]?.sha256, createHash('sha256').update('one').digest('hex'));
    // A stale cache entry with the file's size and mtime is trusted: the file is not read.
    const info = await stat(file);
    cache.set(file, { size: info.size, mtimeMs: info.mtimeMs, sha256: 'cached' });
    assert.equal((await scanMirrorFolder(root, [3], cache))[0]?.sha256, 'cached');
    await writeFile(file, 'two!');
    assert.equal((await scanMirrorFolder(root, [3], cache))[0]?.sha256, createHash('sha256').update('two!').digest('hex'));
  });

  it('treats a missing folder as empty', async () => {
    assert.deepEqual(await scanMirrorFolder(join(root, 'absent')), []);
  });
});
