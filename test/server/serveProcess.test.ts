// The bundled CLI (dist/cli.js, run `npm run build` first) as a real process: a token made by
// `token create`, `serve` answering the API on the receiver's port (a multipart upload too),
// SIGTERM ending it with 0.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { freePort, mirrorFile, waitFor } from '../webhook/support';
import { serveFixture, trackItems, type ServeFixture } from './support';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

describe('team server as a process (dist/cli.js serve)', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    f = await serveFixture();
    await trackItems(f, [5]);
  });
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await f.close();
  });

  it('token create, then serve answers the API with that token and the webhook path beside it; SIGTERM exits 0', async () => {
    const made = spawnSync(process.execPath, [CLI, 'token', 'create', '--name', 'proc', '--json'], { cwd: f.workspace, env: f.env, encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const { token } = JSON.parse(made.stdout) as { token: string };
    const port = await freePort();
    const proc = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd: f.workspace, env: f.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let err = '';
    proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    await waitFor('the API answering', () => fetch(`${base}/api/health`).then((r) => r.ok, () => proc.exitCode !== null && Promise.reject(new Error(err))), 15_000);

    const status = await fetch(`${base}/api/sync/status/5`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as { workItemId: number }).workItemId, 5);
    assert.equal((await fetch(`${base}/api/sync/status/5`)).status, 401);
    // The bundle carries the multipart parser: a form upload lands in the mirror folder.
    const form = new FormData();
    form.append('workItemId', '5');
    form.append('file', new Blob(['from the bundle\n']), 'bundled.txt');
    const up = await fetch(`${base}/api/sync/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    assert.equal(up.status, 200, await up.clone().text());
    assert.equal(await readFile(mirrorFile(f, 5, 'bundled.txt'), 'utf8'), 'from the bundle\n');
    // The receiver keeps its path and its own credentials.
    const hook = await fetch(`${base}/api/webhooks/workitem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(hook.status, 401);

    proc.kill('SIGTERM');
    assert.equal(await exited, 0, err);
  });
});
