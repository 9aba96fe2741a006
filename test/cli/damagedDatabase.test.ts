// A damaged state database (truncated, random bytes, zero length, another application's SQLite)
// under the real CLI: readers say so and fail instead of printing an empty answer; the next
// writer says where the damaged copy is kept and what is rebuilt, and tracked work items and
// attachment records come back (the sidecar, and the [sha256:…] markers in Azure DevOps).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { CliFixture, parse } from './support';

interface ListAnswer { attachments: { fileName: string; state: string }[]; localAttachments: Record<string, unknown>[] }

const DAMAGE: Record<string, (good: Buffer) => Promise<Buffer> | Buffer> = {
  truncated: (good) => good.subarray(0, Math.floor(good.length / 3)),
  'random bytes': () => randomBytes(64 * 1024),
  'zero length': () => Buffer.alloc(0),
  'another schema': async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    const bytes = Buffer.from(db.export());
    db.close();
    return bytes;
  },
};

describe('ado-sync on a damaged state database', () => {
  for (const [kind, damage] of Object.entries(DAMAGE)) {
    describe(kind, () => {
      const f = new CliFixture();
      let bug: number;
      let good: Buffer;
      let damaged: Buffer;
      const aside = () => readdirSync(path.dirname(f.dbPath)).filter((n) => n.startsWith('state.sqlite.corrupt-'));

      before(async () => {
        await f.start();
        bug = f.workItemTitled('Invoice totals round wrongly');
        await writeFile(path.join(f.dir, 'evidence.txt'), 'our evidence');
        assert.equal((await f.run(['track', String(bug)])).code, 0);
        assert.equal((await f.run(['attach', 'evidence.txt', '--work-item', String(bug)])).code, 0);
        const synced = await f.run(['sync']);
        assert.equal(synced.code, 0, synced.err);
        good = readFileSync(f.dbPath);
        damaged = await damage(good);
        writeFileSync(f.dbPath, damaged);
      });
      after(() => f.stop());

      for (const args of [['history'], ['status', '1'], ['list', '1']]) {
        it(`${args[0]} says the file is damaged and fails instead of printing an empty answer`, async () => {
          const run = await f.run(args.map((a) => (a === '1' ? String(bug) : a)));
          assert.equal(run.code, 1, run.out + run.err);
          assert.equal(run.out, '');
          assert.ok(run.err.includes(`The sync database ${f.dbPath} is damaged (`), run.err);
          assert.match(run.err, /It was left as it is[\s\S]*ado-sync sync/);
          assert.deepEqual(readFileSync(f.dbPath), damaged, 'a reader changes nothing');
          assert.deepEqual(aside(), []);
        });
      }

      it('sync says where the damaged copy is kept and what is rebuilt, and rebuilds it', async () => {
        const uploads = f.ado.state.attachments.size;
        const run = await f.run(['sync']);
        assert.equal(run.code, 0, run.out + run.err);
        const [copy] = aside();
        assert.ok(copy, 'the damaged copy is kept');
        assert.deepEqual(readFileSync(path.join(path.dirname(f.dbPath), copy)), damaged, 'byte for byte');
        assert.ok(run.err.includes(`The sync database ${f.dbPath} is damaged (`), run.err);
        assert.ok(run.err.includes(`The damaged copy is kept at ${path.join(path.dirname(f.dbPath), copy)}`), run.err);
        assert.match(run.err, /1 tracked work item\(s\) were restored from .*state\.sqlite\.tracked\.json/);
        assert.equal(f.ado.state.attachments.size, uploads, 'nothing uploaded again');
        const tracked = parse<{ tracked: number[] }>(await f.run(['track', String(bug), '--json'])).tracked;
        assert.deepEqual(tracked, [bug]);
        const list = parse<ListAnswer>(await f.run(['list', String(bug), '--json']));
        assert.deepEqual(list.attachments.map((a) => [a.fileName, a.state]).sort(), [['evidence.txt', 'synced'], ['repro.md', 'synced'], ['trace.log', 'synced']]);
        assert.equal(list.localAttachments.length, 3, 'one record per attachment, rebuilt');
        assert.equal(f.ado.state.workItems.get(bug)!.relations.filter((r) => r.rel === 'AttachedFile').length, 3, 'no relation added');
        const again = await f.run(['history']);
        assert.equal(again.code, 0, again.err);
        assert.equal(again.err, '', 'said once');
        assert.ok(existsSync(f.dbPath));
      });
    });
  }
});
