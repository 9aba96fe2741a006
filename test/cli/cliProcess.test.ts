// The bundled CLI as a user runs it: a real process, its output and exit codes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openStore } from '../../src/core/store';
import { CliFixture, spawnBundledCli } from './support';

const cli = path.resolve(__dirname, '../../dist/cli.js');

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}

describe('ado-sync process', () => {
  before(function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run "npm run build" first');
  });

  it('prints usage with the exit codes and exits 0', () => {
    const result = run('help');
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^ado-sync \d+\.\d+\.\d+/);
    assert.match(result.stdout, /Exit codes: 0 all good, 1 some item failed, 2 usage/);
    assert.match(result.stdout, /AZDO_PAT, never from a flag/);
  });

  it('prints the version', () => {
    const result = run('--version');
    assert.equal(result.status, 0);
    assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('refuses an unknown command with exit 2 and a hint on stderr', () => {
    const result = run('frobnicate');
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /unknown command "frobnicate". Run "ado-sync help"/);
  });
});

describe('ado-sync process against the emulator', () => {
  const f = new CliFixture();
  before(async function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run "node esbuild.mjs --only cli" first');
    await f.start();
    await writeFile(path.join(f.dir, 'report.txt'), 'quarterly report');
  });
  after(() => f.stop());

  const spawnCli = (args: string[], env: NodeJS.ProcessEnv) => spawnBundledCli(f.dir, args, env);

  it('attaches a file, lists it as synced and shows the run in history, with the state database under the working directory', async () => {
    const attach = await spawnCli(['attach', 'report.txt', '--work-item', '4', '--json'], f.env);
    assert.equal(attach.status, 0, attach.stderr);
    assert.equal((JSON.parse(attach.stdout) as { attachment: { status: string } }).attachment.status, 'uploaded');
    assert.equal(attach.stderr, '', 'no progress bar on a pipe');
    const list = await spawnCli(['list', '4', '--json'], f.env);
    assert.equal(list.status, 0, list.stderr);
    const states = (JSON.parse(list.stdout) as { attachments: { fileName: string; state: string }[] }).attachments;
    assert.equal(states.find((a) => a.fileName === 'report.txt')?.state, 'synced');
    const history = await spawnCli(['history', '--limit', '1'], { PATH: process.env.PATH ?? '' });
    assert.equal(history.status, 0, history.stderr);
    assert.match(history.stdout, /^RUN .+\n\d+\s+\S+\s+attachment_sync\s+attach\s+completed\s+1 up/);
    assert.ok(existsSync(f.dbPath));
  });

  it('exits 2 with the variables to set when nothing is configured, and on a wrong PAT after one 401', async () => {
    const bare = await spawnCli(['list', '4'], {});
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /--org-url or AZDO_ORG_URL/);
    const before = f.responses(401);
    const wrong = await spawnCli(['sync', '--work-item', '4', '--json'], { ...f.env, AZDO_PAT: 'wrong' });
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /AZDO_PAT/);
    assert.equal(f.responses(401) - before, 1);
  });
});

describe('ado-sync process interrupted mid-upload', () => {
  // Every chunk waits 50 ms at the emulator, so SIGINT lands while the file is on its way.
  const f = new CliFixture();
  const chunk = 64 * 1024;
  const content = Buffer.alloc(24 * chunk, 9);
  before(async () => {
    await f.start({ faults: [{ kinds: ['delay'], rate: 1, route: '/_apis/wit/attachments', method: 'PUT', delayMs: 50 }] });
    await writeFile(path.join(f.dir, 'video.bin'), content);
  });
  after(() => f.stop());

  it('stops on SIGINT with exit 1 and the run cancelled; upload-session shows the partial upload; attach again completes it', async () => {
    const env = { ...f.env, PATH: process.env.PATH ?? '', ATTACHMENT_CHUNK_SIZE: String(chunk) };
    const child = spawn(process.execPath, [cli, 'attach', 'video.bin', '--work-item', '4', '--json'], { cwd: f.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    const started = Date.now();
    const chunksSeen = () => f.ado.state.stats.routes['PUT /_apis/wit/attachments/{id}']?.count ?? 0;
    while (chunksSeen() < 3) {
      if (Date.now() - started > 15_000) throw new Error(`the upload did not start; routes: ${Object.keys(f.ado.state.stats.routes).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    assert.equal(code, 1, stdout);
    const answer = JSON.parse(stdout) as { success: boolean; run: { runId: number; status: string }; attachment: { status: string } };
    assert.deepEqual([answer.success, answer.run.status, answer.attachment.status], [false, 'cancelled', 'cancelled']);

    const store = await openStore({ path: f.dbPath, readOnly: true });
    let session: string | undefined;
    try {
      assert.equal(store.history.get(answer.run.runId)?.status, 'cancelled');
      session = store.uploadSessions.findResumable(4, path.join(f.dir, 'video.bin'), createHash('sha256').update(content).digest('hex'))?.sessionUuid;
    } finally {
      store.close();
    }
    assert.ok(session, 'the session is kept for resuming');
    const progress = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const c = spawn(process.execPath, [cli, 'upload-session', session as string, '--json'], { cwd: f.dir, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.once('close', (status) => resolve({ status, stdout: out }));
    });
    assert.equal(progress.status, 0);
    const shown = JSON.parse(progress.stdout) as { totalChunks: number; chunksReceived: number; status: string };
    assert.equal(shown.totalChunks, 24);
    assert.ok(shown.chunksReceived >= 1 && shown.chunksReceived < 24, `${shown.chunksReceived} chunks`);
    assert.equal(shown.status, 'ACTIVE');

    const resumed = await f.run(['attach', 'video.bin', '--work-item', '4', '--json'], { env: { ATTACHMENT_CHUNK_SIZE: String(chunk) } });
    assert.equal(resumed.code, 0, resumed.err);
    assert.equal(f.ado.state.workItems.get(4)!.relations.filter((r) => r.attributes.name === 'video.bin').length, 1);
  });
});
