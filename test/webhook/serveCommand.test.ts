// `ado-sync webhook ...` and `ado-sync serve` through the CLI frame (main()), in process and as
// a real child process of dist/cli.js stopped with SIGTERM. The emulator delivers real service
// hooks, registered by `webhook register`, to the receiver `serve` runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main';
import { denyEditSubscriptions } from '../emulator/hooks';
import {
  colleagueAttaches, COLLEAGUE_PAT, freePort, HOOK_PASSWORD, HOOK_PATH, mirrorFile, readOrUndefined, serveFixture, trackItems, waitFor, withStore,
  type ServeFixture,
} from './support';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** A stream that keeps what is written, for reading a command's output while it runs. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

async function cli(f: ServeFixture, args: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { ...f.env, ...env }, signal, { stdout, stderr, cwd: f.workspace });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('ado-sync webhook and serve commands', function () {
  this.timeout(60_000);
  let f: ServeFixture;

  beforeEach(async () => {
    f = await serveFixture();
    await trackItems(f, [5, 6]);
  });
  afterEach(() => f.close());

  it('webhook register | list | unregister, recorded in the state database, nothing secret printed', async () => {
    const url = 'https://sync.example.test/api/webhooks/workitem';
    const registered = await cli(f, ['webhook', 'register', '--public-url', url, '--json']);
    assert.equal(registered.code, 0, registered.stderr);
    const answer = JSON.parse(registered.stdout) as { created: { id: string; eventType: string }[] };
    assert.deepEqual(answer.created.map((s) => s.eventType), ['workitem.created', 'workitem.updated']);
    assert.equal(f.ado.state.subscriptions.size, 2);
    assert.ok(!registered.stdout.includes(HOOK_PASSWORD) && !registered.stderr.includes(HOOK_PASSWORD));
    await withStore(f, (store) => assert.equal(store.webhooks.list().length, 2), true);

    const listed = await cli(f, ['webhook', 'list'], { ADO_SYNC_WEBHOOK_PUBLIC_URL: url });
    assert.equal(listed.code, 0, listed.stderr);
    for (const s of answer.created) assert.ok(listed.stdout.includes(s.id), listed.stdout);

    const removed = await cli(f, ['webhook', 'unregister', '--json'], { ADO_SYNC_WEBHOOK_PUBLIC_URL: url });
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual((JSON.parse(removed.stdout) as { removed: string[] }).removed.sort(), answer.created.map((s) => s.id).sort());
    assert.equal(f.ado.state.subscriptions.size, 0);
    await withStore(f, (store) => assert.deepEqual(store.webhooks.list(), []), true);
  });

  it("webhook register without the permission shows the service's message and exits 2", async () => {
    denyEditSubscriptions(f.ado.state.users[1]);
    const r = await cli(f, ['webhook', 'register', '--public-url', 'https://sync.example.test/hook'], { AZDO_PAT: COLLEAGUE_PAT });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Access Denied: Bob Colleague needs the following permission\(s\) on the resource PublisherSecurity\/\S+ to perform this action: Edit Subscription/);
    assert.match(r.stderr, /still syncs by polling/);
    assert.ok(!r.stderr.includes(COLLEAGUE_PAT) && !r.stderr.includes(HOOK_PASSWORD));
    assert.equal(f.ado.state.subscriptions.size, 0);
  });

  it('serve refuses a non-loopback address without --bind and --allow-remote, and a receiver without credentials', async () => {
    const env = { ADO_SYNC_WEBHOOK_HOST: '0.0.0.0' };
    const r1 = await cli(f, ['serve'], env);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--bind 0\.0\.0\.0 --allow-remote/);
    const r2 = await cli(f, ['serve', '--bind', '0.0.0.0']);
    assert.equal(r2.code, 2);
    const r3 = await cli(f, ['serve'], { ADO_SYNC_WEBHOOK_USERNAME: '', ADO_SYNC_WEBHOOK_PASSWORD: '' });
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /ADO_SYNC_WEBHOOK_USERNAME and ADO_SYNC_WEBHOOK_PASSWORD, or ADO_SYNC_WEBHOOK_SECRET/);
  });

  it('serve (in process): a colleague\'s attachment arrives through the webhook; abort -> state printed, exit 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}${HOOK_PATH}`;
    assert.equal((await cli(f, ['webhook', 'register', '--public-url', url])).code, 0);
    const controller = new AbortController();
    const stdout = new Capture();
    const stderr = new Capture();
    const serving = main(['serve', '--port', String(port)], f.env, controller.signal, { stdout, stderr, cwd: f.workspace });
    await waitFor('serve listening', () => stdout.text.includes(`listening on ${url}`));
    assert.match(stdout.text, /Poll: every 3600 s/);
    const listed = await cli(f, ['webhook', 'list', '--public-url', url, '--json']);
    assert.equal(listed.code, 0, `list works beside a running serve: ${listed.stderr}`);
    assert.deepEqual((JSON.parse(listed.stdout) as { subscriptions: { status: string }[] }).subscriptions.map((x) => x.status), ['enabled', 'enabled']);
    const bytes = Buffer.from('log from the web UI\n');
    await colleagueAttaches(f, 6, 'web.log', bytes);
    assert.deepEqual(await waitFor('web.log in the mirror', () => readOrUndefined(mirrorFile(f, 6, 'web.log'))), bytes);
    controller.abort();
    assert.equal(await serving, 0, stderr.text);
    assert.match(stdout.text, /ado-sync serve stopped\.\nWebhook receiver: stopped\nLast event: \d{4}-/);
    assert.match(stdout.text, /Events: [1-9]\d* accepted, 0 rejected/);
    assert.ok(!stdout.text.includes(HOOK_PASSWORD) && !stderr.text.includes(HOOK_PASSWORD));
    await withStore(f, (store) => {
      const runs = store.history.page({ trigger: 'webhook', workItemId: 6 }, 10).rows;
      assert.ok(runs.length >= 1 && runs.every((r) => r.status === 'completed'), JSON.stringify(runs));
    }, true);
  });

  describe('as a child process of dist/cli.js', () => {
    let child: ChildProcess | undefined;
    before(function () {
      if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run "npm run build" first');
      const help = spawnSync(process.execPath, [CLI, 'help'], { encoding: 'utf8' });
      if (!/\bserve\b/.test(help.stdout)) throw new Error('dist/cli.js has no serve command: rebuild it ("npm run build")');
    });
    afterEach(() => {
      if (child && child.exitCode === null && child.pid) child.kill('SIGKILL');
    });

    /** `webhook register` for a free port, then `node dist/cli.js serve` on it, listening. */
    async function registeredServe() {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}${HOOK_PATH}`;
      assert.equal((await cli(f, ['webhook', 'register', '--public-url', url])).code, 0);
      const proc = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd: f.workspace, env: f.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      const output = { out: '', err: '' };
      proc.stdout.on('data', (c: Buffer) => (output.out += c.toString('utf8')));
      proc.stderr.on('data', (c: Buffer) => (output.err += c.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      await waitFor('serve listening', () => output.out.includes(`listening on ${url}`) || proc.exitCode !== null, 15_000);
      assert.equal(proc.exitCode, null, output.err);
      return { proc, output, exited };
    }

    it('serves, syncs on a delivered event, and exits 0 on SIGTERM after printing its state', async () => {
      const { proc, output, exited } = await registeredServe();
      const bytes = Buffer.from(`child ${Date.now()}\n`);
      await colleagueAttaches(f, 5, 'child.txt', bytes);
      assert.deepEqual(await waitFor('child.txt in the mirror', () => readOrUndefined(mirrorFile(f, 5, 'child.txt'))), bytes);
      proc.kill('SIGTERM');
      assert.equal(await exited, 0, output.err);
      assert.match(output.out, /ado-sync serve stopped\./);
      assert.match(output.err, /Sync of work item 5 \(webhook\) completed/);
      await withStore(f, (store) => assert.ok(store.history.page({ trigger: 'webhook', workItemId: 5 }, 10).rows.length >= 1), true);
    });

    it('SIGTERM during a download: the item finishes or is checkpointed, nothing half-written, exit 0', async () => {
      // Attachment downloads answer only after 1.5 s, so the run is in flight when SIGTERM comes.
      const faults = await fetch(`http://127.0.0.1:${f.ado.port}/_emulator/faults`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules: [{ route: '/_apis/wit/attachments/', method: 'GET', rate: 1, kinds: ['delay'], delayMs: 1500 }] }),
      });
      assert.equal(faults.status, 200);
      const { proc, output, exited } = await registeredServe();
      const bytes = Buffer.from('slow bytes\n'.repeat(1000));
      await colleagueAttaches(f, 6, 'slow.txt', bytes);
      await waitFor('a download in flight', () => f.ado.state.stats.faultsInjected > 0);
      proc.kill('SIGTERM');
      assert.equal(await exited, 0, output.err);
      assert.match(output.out, /ado-sync serve stopped\./);
      const local = await readOrUndefined(mirrorFile(f, 6, 'slow.txt'));
      assert.ok(local === undefined || local.equals(bytes), 'either not there yet or whole');
      const leftovers = (await readdir(path.join(f.mirror, '6')).catch(() => [] as string[])).filter((n) => n !== 'slow.txt');
      assert.deepEqual(leftovers, [], 'no temp file left behind');
      await withStore(f, (store) => {
        const runs = store.history.page({ trigger: 'webhook', workItemId: 6 }, 10).rows;
        assert.ok(runs.length >= 1);
        for (const r of runs) assert.ok(r.status === 'completed' || r.status === 'cancelled', `run ${r.id} left ${r.status}`);
      }, true);
    });
  });
});
