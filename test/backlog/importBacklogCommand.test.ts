// `ado-sync import-backlog` run through its command object with the frame's parseArgs options,
// against both emulators over HTTP and a real state database file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { GLOBAL_OPTIONS } from '../../src/cli/command';
import { importBacklogCommand } from '../../src/cli/commands/importBacklog';
import { CliError } from '../../src/cli/exitCodes';
import { createOutput } from '../../src/cli/output';
import type { BacklogImportSummary } from '../../src/core/backlog';
import { openStore } from '../../src/core/store';
import { startEmulator, type RunningEmulator } from '../emulator';
import { generateBacklog, startArdoqEmulator, type RunningArdoqEmulator } from '../ardoq-emulator';

const PAT = 'test-pat';
const TOKEN = 'ardoq-cli-token';

describe('ado-sync import-backlog', () => {
  let ado: RunningEmulator;
  let ardoq: RunningArdoqEmulator;
  let dir: string;
  const backlog = generateBacklog({ workspaceId: 'ws-cli', epics: 1, featuresPerEpic: 2, storiesPerFeature: 2 });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'import-backlog-cli-'));
    ado = await startEmulator({ pats: [PAT] });
    ardoq = await startArdoqEmulator({ token: TOKEN, workspaces: { 'ws-cli': backlog.map((c) => ({ ...c })) }, pageSize: 3 });
  });
  afterEach(async () => {
    await Promise.all([ado.close(), ardoq.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}, signal = new AbortController().signal) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const { values, positionals } = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...importBacklogCommand.options }, allowPositionals: true, strict: true });
    const env = { AZDO_ORG_URL: ado.baseUrl, AZDO_PROJECT: ado.project, AZDO_PAT: PAT, ARDOQ_API_TOKEN: TOKEN, ATTACHMENT_SYNC_DB_PATH: 'state.sqlite', ...extraEnv };
    const code = await importBacklogCommand.run({ values, positionals, output: createOutput(values.json === true, stdout, stderr), env, cwd: dir, signal });
    return { code, out, err };
  }

  const imported = () => [...ado.state.workItems.values()].filter((w) => !w.deleted && String(w.fields['System.Tags'] ?? '').includes('ardoq-source:ws-cli'));

  it('imports from the Ardoq API, prints the summary as JSON, exits 0 and records the run', async () => {
    const { code, out } = await run(['--from', 'ardoq', '--ardoq-url', ardoq.url, '--workspace', 'ws-cli', '--json']);
    assert.equal(code, 0);
    const summary = JSON.parse(out) as BacklogImportSummary;
    assert.deepEqual([summary.status, summary.created, summary.failed, summary.totalItems], ['completed', 7, 0, 7]);
    assert.equal(imported().length, 7);
    const store = await openStore({ path: path.join(dir, 'state.sqlite'), readOnly: true });
    try {
      const row = store.history.get(summary.historyId as number);
      assert.deepEqual([row?.kind, row?.status, row?.itemsCreated, row?.featuresCreated], ['backlog_import', 'completed', 7, 2]);
      assert.equal(store.audit.forEntity('sync', String(row?.id))[0].userAgent, `ado-sync-cli/${version}`);
    } finally {
      store.close();
    }
  });

  it('imports an exported file, then the same file again without duplicates; --dry-run --overwrite changes nothing', async () => {
    const file = path.join(dir, 'export.json');
    await writeFile(file, JSON.stringify({ values: backlog }));
    assert.equal((await run(['--from', 'file', '--file', 'export.json'])).code, 0);
    const again = await run(['--from', 'file', '--file', 'export.json']);
    assert.equal(again.code, 0);
    assert.match(again.out, /0 created, 0 updated, 7 unchanged, 0 failed/);
    const ids = imported().map((w) => w.id);
    const dry = await run(['--from', 'file', '--file', 'export.json', '--overwrite', '--dry-run', '--json']);
    const summary = JSON.parse(dry.out) as BacklogImportSummary;
    assert.deepEqual([summary.dryRun, summary.deletionCount, summary.created], [true, 7, 7]);
    assert.deepEqual(imported().map((w) => w.id), ids);
  });

  it('exits 1 when an item fails and warns with the service message', async () => {
    ardoq.workspaces['ws-cli'][3].name = '';
    const { code, err } = await run(['--from', 'ardoq', '--ardoq-url', ardoq.url, '--workspace', 'ws-cli']);
    assert.equal(code, 1);
    assert.match(err, /warning: user_story "" \(.+\) failed: TF401320/);
  });

  it('exits 2 on a wrong Ardoq token, 1 when interrupted (recorded as cancelled)', async () => {
    const bad = await run(['--from', 'ardoq', '--ardoq-url', ardoq.url, '--workspace', 'ws-cli', '--json'], { ARDOQ_API_TOKEN: 'nope' });
    assert.equal(bad.code, 2);
    assert.match((JSON.parse(bad.out) as BacklogImportSummary).error ?? '', /401/);
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    const cancelled = await run(['--from', 'ardoq', '--ardoq-url', ardoq.url, '--workspace', 'ws-cli', '--json'], {}, controller.signal);
    assert.equal(cancelled.code, 1);
    assert.equal((JSON.parse(cancelled.out) as BacklogImportSummary).status, 'cancelled');
  });

  it('refuses incomplete configuration before doing anything', async () => {
    await assert.rejects(run(['--from', 'ardoq', '--workspace', 'ws-cli']), (e: Error) => e instanceof CliError && /--ardoq-url/.test(e.message));
    await assert.rejects(run(['--from', 'ardoq', '--ardoq-url', ardoq.url, '--workspace', 'ws-cli'], { ARDOQ_API_TOKEN: '' }), /ARDOQ_API_TOKEN/);
    await assert.rejects(run(['--from', 'jira']), /--from must be "ardoq" or "file"/);
    await assert.rejects(run(['--from', 'file', '--file', 'x.json'], { AZDO_PAT: '' }), /AZDO_PAT/);
    await assert.rejects(run(['--from', 'file', '--file', 'x.json', '--map', 'Story=task']), /not a level/);
    assert.equal(ardoq.requests.length, 0);
  });
});
