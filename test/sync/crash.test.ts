// The real CLI process killed with SIGKILL at 20 random points of a sync of 50 files (6 chunked) up
// and 8 colleague files down, restarted each time: it must converge with no duplicate and no missing
// relation, every colleague file mirrored once with its bytes, no half download in the mirror folder
// (none uploaded back), and a chunked upload that survived a kill must resume instead of starting over.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { openStore } from '../../src/core/store';
import { UploadJournal } from '../../src/core/sync/uploadJournal';
import { adminUrl } from '../emulator-tests/client';
import { markerOf } from '../../src/core/sync/contentMarker';
import { CliFixture } from '../cli/support';
import { mulberry32 } from '../support/prng';
import { sha256 } from './support';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const CHUNK = 64 * 1024;
const WORK_ITEM = 5;


describe('crash test: ado-sync sync killed with SIGKILL at random points', function () {
  this.timeout(180_000);
  // The kills land after a random number of requests: between files, between the chunks of an
  // upload, between upload and link. The client's own rate limit (50 requests/s) spaces the
  // requests, and links wait 20 ms at the emulator.
  const f = new CliFixture();
  before(async function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run "npm run build" first');
    await f.start({ faults: [{ kinds: ['delay'], rate: 1, route: '/_apis/wit/workitems', method: 'PATCH', delayMs: 20 }] });
  });
  after(() => f.stop());

  /** Runs the CLI; with killAfterRequests, SIGKILLs it thenMs after the emulator has seen that many more requests. */
  async function cliRun(args: string[], killAfterRequests?: number, thenMs = 0): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
    const env = { ...f.env, PATH: process.env.PATH ?? '', ATTACHMENT_CHUNK_SIZE: String(CHUNK), ATTACHMENT_SYNC_RATE_LIMIT_RPM: '3000' };
    const child = spawn(process.execPath, [cli, ...args], { cwd: f.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    if (killAfterRequests !== undefined) {
      // Progress, not wall time, picks the point: the same on a slow or a loaded machine.
      const target = f.ado.state.stats.totalRequests + killAfterRequests;
      // thenMs moves the kill off the instant the emulator answered (the client's most fragile moment).
      const watch = setInterval(() => {
        if (f.ado.state.stats.totalRequests < target) return;
        clearInterval(watch);
        setTimeout(() => child.kill('SIGKILL'), thenMs);
      }, 2);
      void closed.finally(() => clearInterval(watch));
    }
    return { ...(await closed), err };
  }

  it('converges: every file linked exactly once, none missing, a surviving chunked session resumed', async () => {
    const dir = path.join(f.dir, '.ado-attachments', String(WORK_ITEM));
    mkdirSync(dir, { recursive: true });
    const files = Array.from({ length: 50 }, (_, i) => {
      const big = i < 6;
      const bytes = Buffer.alloc(big ? 24 * CHUNK + i * 1000 : 500 + i * 31, `${i}-content-`);
      const name = `${big ? 'a-big' : 'small'}-${String(i).padStart(2, '0')}.bin`;
      writeFileSync(path.join(dir, name), bytes);
      return { name, sha256: sha256(bytes) };
    });
    const colleagues = Array.from({ length: 8 }, (_, i) => ({ name: `colleague-${i}.bin`, bytes: Buffer.alloc(200 * 1024 + i * 777, `colleague ${i} `) }));
    for (const c of colleagues) {
      const res = await fetch(adminUrl(f.ado, `/_emulator/work-items/${WORK_ITEM}/attachments?fileName=${c.name}`), { method: 'POST', body: new Uint8Array(c.bytes) });
      assert.ok(res.ok);
    }
    const before = f.ado.state.workItems.get(WORK_ITEM)!.relations.filter((r) => r.rel === 'AttachedFile').length;
    assert.equal((await cliRun(['track', String(WORK_ITEM)])).code, 0);
    const journal = UploadJournal.of({ path: f.dbPath });

    // The kill points are random but the same on every run.
    const random = mulberry32(7);
    const survivors = new Map<string, number>();
    let killed = 0;
    for (let i = 0; i < 20; i++) {
      const result = await cliRun(['sync'], 3 + Math.floor(random() * 40), Math.floor(random() * 25));
      if (result.signal === 'SIGKILL') killed++;
      // Chunk progress lives in the upload journal (one small file per session), not in the database.
      for (const e of journal.all()) if (e.nextByte > 0) survivors.set(e.sessionUuid, e.nextByte);
    }
    assert.ok(killed >= 16, `the runs were killed mid-way (${killed} of 20)`);
    const final = await cliRun(['sync']);
    assert.equal(final.code, 0, final.err);

    const relations = f.ado.state.workItems.get(WORK_ITEM)!.relations.filter((r) => r.rel === 'AttachedFile');
    const markers = relations.map((r) => markerOf(r.attributes.comment as string | undefined));
    for (const file of files) {
      assert.equal(markers.filter((m) => m === file.sha256).length, 1, `${file.name} linked exactly once`);
    }
    assert.equal(relations.length, files.length + before, 'no other relation (no half download went up)');
    for (const c of colleagues) {
      assert.deepEqual(readFileSync(path.join(dir, c.name)), c.bytes, `${c.name} mirrored with its bytes`);
      assert.equal(relations.filter((r) => r.attributes.name === c.name).length, 1, `${c.name} not uploaded back`);
    }
    const leftovers = readdirSync(dir).filter((n) => /\.part|\.tmp|conflict/.test(n));
    assert.deepEqual(leftovers, [], 'no temp file or conflict copy in the mirror folder');
    for (const r of relations.filter((x) => markerOf(x.attributes.comment as string | undefined))) {
      const blob = f.ado.state.attachments.get(r.url.split('/').pop()!);
      assert.equal(blob?.sha256, markerOf(r.attributes.comment as string | undefined), 'bytes equal');
    }
    assert.ok(survivors.size > 0, 'a kill left a chunked upload part-way');
    const store = await openStore({ path: f.dbPath, readOnly: true });
    try {
      const resumed = [...survivors.keys()].filter((uuid) => store.uploadSessions.get(uuid)?.status === 'COMPLETED');
      assert.ok(resumed.length > 0, `a surviving session completed instead of restarting (${survivors.size} survivors)`);
      const runs = store.history.page({}, 100).rows;
      assert.ok(runs.some((r) => r.status === 'failed' && r.errorMessage === 'interrupted'), 'killed runs are marked interrupted');
    } finally {
      store.close();
    }
  });
});
