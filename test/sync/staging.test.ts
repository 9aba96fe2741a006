// The staging folder of a mirror shared by several processes (serve processes on one machine): a
// process starting clears what dead processes left, never the files another live process is
// downloading or receiving. Real processes, one alive and one gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearStaging, STAGING_DIR, stagingDir } from '../../src/core/sync/inbound';

describe('staging folder shared by several processes', () => {
  let mirror: string;
  beforeEach(() => { mirror = mkdtempSync(path.join(os.tmpdir(), 'staging-')); });
  afterEach(() => { rmSync(mirror, { recursive: true, force: true }); });

  it('clears the folders of dead processes, loose files and its own, keeps a live process\'s files', async () => {
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    try {
      const root = path.join(mirror, STAGING_DIR);
      for (const owner of [`p${live.pid}`, `p${gone.pid}`]) {
        mkdirSync(path.join(root, owner), { recursive: true });
        writeFileSync(path.join(root, owner, 'incoming.part'), 'bytes');
      }
      mkdirSync(stagingDir(mirror), { recursive: true });
      writeFileSync(path.join(stagingDir(mirror), 'mine.part'), 'left by this pid before');
      writeFileSync(path.join(root, 'loose.part'), 'left by an older version');

      await clearStaging(mirror);

      assert.deepEqual(readdirSync(root), [`p${live.pid}`]);
      assert.deepEqual(readdirSync(path.join(root, `p${live.pid}`)), ['incoming.part'], 'the live process keeps its file');
    } finally {
      live.kill('SIGKILL');
    }
  });
});
