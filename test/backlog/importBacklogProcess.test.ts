// import-backlog in a real child process: SIGINT mid-run ends it as cancelled, in history too.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/core/store';
import { startEmulator, type RunningEmulator } from '../emulator';
import { generateBacklog, startArdoqEmulator, type RunningArdoqEmulator } from '../ardoq-emulator';

const PAT = 'test-pat';
const TOKEN = 'ardoq-process-token';

describe('import-backlog process', function () {
  let ado: RunningEmulator;
  let ardoq: RunningArdoqEmulator;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'import-backlog-process-'));
    // Each work item call waits 40 ms, so the run is still going when the signal comes.
    ado = await startEmulator({ pats: [PAT], faults: [{ kinds: ['delay'], rate: 1, route: '/_apis/wit/workitems', delayMs: 40 }] });
    ardoq = await startArdoqEmulator({ token: TOKEN, workspaces: { ws: generateBacklog({ workspaceId: 'ws', epics: 5, featuresPerEpic: 4, storiesPerFeature: 5 }) } });
  });
  after(async () => {
    await Promise.all([ado.close(), ardoq.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('stops on SIGINT, exits 1 and records the run as cancelled', async () => {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'cliProcess.ts'), 'import-backlog', '--from', 'ardoq', '--ardoq-url', ardoq.url, '--workspace', 'ws', '--json'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', AZDO_ORG_URL: ado.baseUrl, AZDO_PROJECT: ado.project, AZDO_PAT: PAT, ARDOQ_API_TOKEN: TOKEN, ATTACHMENT_SYNC_DB_PATH: 'state.sqlite' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    // Interrupt once a few work items exist.
    const started = Date.now();
    while ([...ado.state.workItems.values()].filter((w) => String(w.fields['System.Tags'] ?? '').includes('ardoq-source:ws')).length < 3) {
      if (Date.now() - started > 15_000) throw new Error('the import did not start');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 1);
    const summary = JSON.parse(stdout) as { status: string; created: number; historyId: number };
    assert.equal(summary.status, 'cancelled');
    assert.ok(summary.created >= 3 && summary.created < 125, `created ${summary.created}`);
    const store = await openStore({ path: path.join(dir, 'state.sqlite'), readOnly: true });
    try {
      const row = store.history.get(summary.historyId);
      assert.equal(row?.status, 'cancelled');
      assert.equal(row?.itemsCreated, summary.created);
    } finally {
      store.close();
    }
  });
});
