// A serve process on PostgreSQL SIGKILLed in the middle of a run (dist/cli.js; run `npm run build`
// first): its run must not stay "in_progress" in the shared history. Another serve process, which
// renews its own runs' leases and notices those nobody renews, ends it as failed "interrupted";
// while the first process lives, its run is left alone even though it outlasts the lease.
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { serveFixture, waitFor, type ServeFixture } from '../webhook/support';
import { cli, startServe, teamOnPostgres } from './teamServers';

interface RunRow { id: number; status: string; error_message: string | null }

describe('team server on PostgreSQL: the runs of a SIGKILLed serve process', function () {
  this.timeout(120_000);
  let f: ServeFixture | undefined;
  let db: Client | undefined;
  // Before the team's own after(), which stops PostgreSQL.
  after(async () => { await db?.end(); });
  const team = teamOnPostgres();

  const faults = (rules: unknown[] | undefined) => fetch(`http://127.0.0.1:${f!.ado.port}/_emulator/faults`, rules
    ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, rules }) }
    : { method: 'DELETE' });
  const runs = async () => (await db!.query<RunRow>('SELECT id, status, error_message FROM sync_history ORDER BY id')).rows;

  it('another serve process ends them as failed "interrupted" once their lease has run out, and not before', async () => {
    const url = await team.pg!.createDatabase('interrupted_runs');
    const leaseSeconds = 3;
    f = await serveFixture({ ADO_SYNC_DATABASE_URL: url, ADO_SYNC_LEASE_SECONDS: String(leaseSeconds) });
    team.fixture = f;
    db = new Client({ connectionString: url });
    await db.connect();
    const id = [...f.ado.state.workItems.keys()][0];
    const { token } = JSON.parse(await cli(f, ['token', 'create', '--name', 'ops', '--json'])) as { token: string };
    await cli(f, ['track', String(id)]);
    const [doomed, survivor] = [await startServe(f), await startServe(f)];
    team.servers.push(doomed, survivor);

    // The upload hangs in Azure DevOps, so the run is in progress when its process dies.
    assert.equal((await faults([{ route: '/_apis/wit/attachments', method: 'POST', rate: 1, kinds: ['delay'], delayMs: 15_000 }])).status, 200);
    const upload = fetch(`${doomed.base}/api/sync/upload`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'killed.bin', workItemId: id, file: Buffer.from('bytes of a run that dies').toString('base64') }),
    }).catch(() => undefined);
    const [run] = await waitFor('the run in progress', async () => {
      const open = (await runs()).filter((r) => r.status === 'in_progress');
      return open.length === 1 && open;
    }, 20_000);

    // Alive for more than twice its lease: it renews, and the other process leaves its run alone.
    await new Promise((resolve) => setTimeout(resolve, (2 * leaseSeconds + 1) * 1000));
    assert.deepEqual((await runs()).find((r) => r.id === run.id), run, 'a live process\'s run is left alone');

    doomed.proc.kill('SIGKILL');
    await new Promise((resolve) => doomed.proc.once('exit', resolve));
    doomed.alive = false;
    const killedAt = Date.now();
    await faults(undefined);
    await upload;

    const ended = await waitFor('the run ended by the other process', async () => {
      const row = (await runs()).find((r) => r.id === run.id);
      return row?.status !== 'in_progress' && row;
    }, 30_000);
    assert.deepEqual([ended.status, ended.error_message], ['failed', 'interrupted']);
    const seconds = (Date.now() - killedAt) / 1000;
    assert.ok(seconds < 4 * leaseSeconds, `ended ${seconds.toFixed(1)} s after the kill, lease ${leaseSeconds} s`);
    assert.equal(survivor.proc.exitCode, null, 'no process was started or restarted for it');
    assert.match(survivor.err, /1 run\(s\) of a process that stopped were marked interrupted/);

    // Its attach request does not stay queued: failed, and sent again to the survivor under its own name.
    const request = await waitFor('the killed process\'s request failed', async () => {
      const row = (await db!.query<{ sync_status: string; error_message: string | null }>(
        `SELECT sync_status, error_message FROM attachment_sync_metadata WHERE file_name = 'killed.bin'`)).rows[0];
      return row?.sync_status === 'FAILED' && row;
    }, 20_000);
    assert.match(request.error_message ?? '', /send it again/);
    const again = await fetch(`${survivor.base}/api/sync/upload`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'killed.bin', workItemId: id, file: Buffer.from('bytes of a run that dies').toString('base64') }),
    });
    const answer = await again.json() as { attachment: { fileName: string; status: string } | null };
    assert.equal(again.status, 200, JSON.stringify(answer));
    assert.deepEqual([answer.attachment?.fileName, answer.attachment?.status], ['killed.bin', 'uploaded']);
    const linked = f.ado.state.workItems.get(id)!.relations.filter((r) => r.rel === 'AttachedFile' && r.attributes?.name === 'killed.bin');
    assert.equal(linked.length, 1);
  });
});
