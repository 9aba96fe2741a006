// Several processes on one PostgreSQL store: dirty work is claimed with FOR UPDATE SKIP LOCKED and
// a lease, so two workers never process one work item at once, and the items of a worker killed
// mid-run are taken over once its lease has expired. Real processes, a real server, SIGKILL.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { openPgSyncDb, type PgSyncDb } from '../../src/core/store/postgres/pgSyncDb';
import { startPostgresOrSkip, type PostgresServer } from '../support/postgres';

const WORKER = path.join(__dirname, 'fixtures', 'pgClaimWorker.ts');

interface Worker { proc: ChildProcess; exited: Promise<number | null>; claimed: Promise<string> }

function startWorker(url: string, owner: string, leaseMs: number, holdMs: number, batch: number): Worker {
  const proc = spawn(process.execPath, ['--import', 'tsx', WORKER, url, owner, String(leaseMs), String(holdMs), String(batch)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const claimed = new Promise<string>((resolve) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('claimed '));
      if (line) resolve(line.slice('claimed '.length));
    });
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, claimed };
}

interface LogRow { work_item_id: number; owner: string; started_at: Date; ended_at: Date | null }

describe('PostgreSQL store: several processes share the dirty queue', function () {
  this.timeout(120_000);
  let server: PostgresServer | undefined;
  let url: string;
  let db: PgSyncDb;
  let log: Client;
  let n = 0;

  before(async function () { server = await startPostgresOrSkip(this); });
  after(async () => { await server?.stop(); });

  beforeEach(async () => {
    url = await server!.createDatabase(`leases_${++n}`);
    db = await openPgSyncDb({ url, localPath: path.join(os.tmpdir(), 'pg-claim-worker.sqlite') });
    log = new Client({ connectionString: url });
    await log.connect();
    await log.query('CREATE TABLE claim_log (id SERIAL PRIMARY KEY, work_item_id INTEGER NOT NULL, owner TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, ended_at TIMESTAMPTZ)');
  });
  afterEach(async () => {
    await log.end();
    await db.close();
  });

  const logged = async (): Promise<LogRow[]> => (await log.query<LogRow>('SELECT work_item_id, owner, started_at, ended_at FROM claim_log ORDER BY id')).rows;

  it('three workers: every item processed exactly once, never two at a time', async () => {
    const ids = Array.from({ length: 90 }, (_, i) => i + 1);
    await db.dirtyItems.mark('P', ids, 'feed');
    const workers = ['a', 'b', 'c'].map((owner) => startWorker(url, owner, 30_000, 10, 4));
    assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0]);
    const rows = await logged();
    assert.deepEqual(rows.map((r) => r.work_item_id).sort((x, y) => x - y), ids, 'each item once');
    assert.ok(rows.every((r) => r.ended_at !== null));
    const owners = new Set(rows.map((r) => r.owner));
    assert.ok(owners.size >= 2, `the work was shared (owners: ${[...owners].join(',')})`);
    assert.deepEqual(await db.dirtyItems.list('P'), []);
  });

  it('a worker SIGKILLed mid-item: its items are taken over after the lease expires, not before', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => i + 1);
    await db.dirtyItems.mark('P', ids, 'feed');
    const leaseMs = 2000;
    // The doomed worker claims a batch and hangs on its first item.
    const doomed = startWorker(url, 'doomed', leaseMs, 60_000, 3);
    const held = (await doomed.claimed).split(',').map(Number);
    const leasedAt = Date.now();
    assert.equal(held.length, 3);
    doomed.proc.kill('SIGKILL');
    assert.equal(await doomed.exited, null);
    const heir = startWorker(url, 'heir', leaseMs, 5, 3);
    assert.equal(await heir.exited, 0);
    const rows = await logged();
    const byHeir = rows.filter((r) => r.owner === 'heir');
    assert.deepEqual(byHeir.map((r) => r.work_item_id).sort((x, y) => x - y), ids, 'the heir processed every item, the dead one\'s included');
    assert.deepEqual(rows.filter((r) => r.owner === 'doomed').map((r) => [r.work_item_id, r.ended_at]), [[held[0], null]], 'the killed worker never finished its item');
    for (const id of held) {
      const taken = byHeir.find((r) => r.work_item_id === id)!;
      assert.ok(taken.started_at.getTime() >= leasedAt + leaseMs - 250, `item ${id} was taken over only after the lease expired`);
    }
    assert.deepEqual(await db.dirtyItems.list('P'), []);
  });
});
