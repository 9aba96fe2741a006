// The team setup: several `ado-sync serve` processes (dist/cli.js; run `npm run build` first) on
// one PostgreSQL, files uploaded through the HTTP API of whichever is up, under emulator faults,
// one process SIGKILLed mid-run. Every file ends linked exactly once with its bytes, and the
// history in the shared database has every file.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { serveFixture, waitFor } from '../webhook/support';
import { cli, startServe, teamOnPostgres, uploadAnywhere, type Upload } from './teamServers';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('team server on PostgreSQL: several serve processes, one killed', function () {
  this.timeout(600_000);
  const team = teamOnPostgres();
  const servers = team.servers;

  it('files through three serve processes under 20% faults, one SIGKILLed mid-run: each linked once, bytes equal, history complete', async () => {
    const files = Number(process.env.PG_SERVE_FILES ?? 30);
    const url = await team.pg!.createDatabase('team');
    // Azure DevOps takes at most 100 attachments per work item: 40 files to each at most.
    const spread = Math.max(4, Math.ceil(files / 40));
    const f = await serveFixture({ ADO_SYNC_DATABASE_URL: url, ADO_SYNC_LEASE_SECONDS: '3' }, spread);
    team.fixture = f;
    const ids = [...f.ado.state.workItems.keys()].slice(0, spread);
    const { token } = JSON.parse(await cli(f, ['token', 'create', '--name', 'team', '--json'])) as { token: string };
    await cli(f, ['track', ...ids.map(String)]);
    for (let i = 0; i < 3; i++) servers.push(await startServe(f));

    const faults = await fetch(`http://127.0.0.1:${f.ado.port}/_emulator/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 7, rules: [
        { route: '/_apis/wit/attachments', rate: 0.2, kinds: ['503', '429', 'reset'], retryAfterSeconds: 1 },
        { route: '/_apis/wit/workitems', method: 'PATCH', rate: 0.2, kinds: ['503'] },
      ] }),
    });
    assert.equal(faults.status, 200);

    const uploads: Upload[] = Array.from({ length: files }, (_, i) => ({
      name: `team-${i}.bin`, workItemId: ids[i % ids.length], bytes: randomBytes(1024 + (i * 997) % 30_000),
    }));
    const started = Date.now();
    let done = 0;
    let next = 0;
    const workers = Array.from({ length: 6 }, async (_, w) => {
      while (next < uploads.length) {
        const u = uploads[next++];
        await uploadAnywhere(servers, token, u, w);
        done++;
        // Mid-run, with calls in flight to it: the first server dies.
        if (done === Math.floor(files / 3) && servers[0].alive) {
          servers[0].alive = false;
          servers[0].proc.kill('SIGKILL');
        }
      }
    });
    await Promise.all(workers);
    const seconds = (Date.now() - started) / 1000;
    await fetch(`http://127.0.0.1:${f.ado.port}/_emulator/faults`, { method: 'DELETE' });
    assert.ok(f.ado.state.stats.faultsInjected > 0, 'faults were injected');
    console.log(`      ${files} files through 3 serve processes (one SIGKILLed) in ${seconds.toFixed(1)} s, ${f.ado.state.stats.faultsInjected} faults injected`);

    // Each file linked exactly once on its work item, with the bytes sent.
    for (const u of uploads) {
      const item = f.ado.state.workItems.get(u.workItemId)!;
      const linked = item.relations.filter((r) => r.rel === 'AttachedFile').map((r) => f.ado.state.attachments.get(r.url.split('/').pop() ?? ''))
        .filter((a) => a && a.complete && sha256(readFileSync(a.path)) === sha256(u.bytes));
      assert.equal(linked.length, 1, `${u.name} is linked ${linked.length} times on work item ${u.workItemId}`);
    }

    // The shared history has every file as synced (uploaded, or linked again after the kill).
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<{ item_name: string }>(`SELECT DISTINCT item_name FROM sync_history_items WHERE status IN ('uploaded', 'linked', 'skipped')`);
      const names = new Set(rows.map((r) => r.item_name));
      assert.deepEqual(uploads.filter((u) => !names.has(u.name)).map((u) => u.name), [], 'every file is in the history');
      const { rows: queue } = await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM sync_job_queue WHERE status = 'IN_PROGRESS'`);
      assert.equal(queue[0].n, 0, 'nothing is left claimed');
      // The killed process's runs do not stay open: the others end them once their lease has run out.
      const killed = `coordinator-${servers[0].proc.pid}-%`;
      await waitFor('no run of the killed process left open', async () => (await db.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM sync_history WHERE status IN ('pending', 'in_progress') AND lease_owner LIKE $1`, [killed])).rows[0].n === 0, 15_000);
      assert.ok((await db.query(`SELECT 1 FROM sync_history WHERE error_message = 'interrupted' AND lease_owner LIKE $1`, [killed])).rows.length > 0, 'it had runs in flight');
      // Every request was answered: no run of the live processes is left open either.
      await waitFor('no run left open', async () => (await db.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM sync_history WHERE status IN ('pending', 'in_progress')`)).rows[0].n === 0, 15_000);
    } finally {
      await db.end();
    }
  });
});
