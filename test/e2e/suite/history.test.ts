// Extension-host suite: Sync History and the backlog import in the real VS Code against the
// emulator. A sync through the exported API (one uploaded, one failed) and a backlog import from
// an exported file land in the workspace store; Show Sync History opens one panel, reopening
// reveals it; the recorded runs carry the right counters.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BacklogImportSummary } from '../../../src/core/backlog';
import { Commands, WebviewTypes } from '../../../src/shared/ids';
import { generateBacklog } from '../../ardoq-emulator/backlog';
import { EMULATOR_URL_ENV } from '../exthost/protocol';
import { adoSyncApi, writeWorkspaceFile } from '../exthost/workspace';
import { pollUntil } from '../lib/steps';
import { recordMetric } from '../exthost/metrics';

/** Tabs of our history panel (the workbench prefixes the view type). */
function historyTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(WebviewTypes.history));
}

describe('sync history', function () {
  this.timeout(60_000);
  const emulatorUrl = process.env[EMULATOR_URL_ENV] ?? '';

  before(async function () {
    if (!emulatorUrl) this.skip();
    await (await adoSyncApi()).connect(emulatorUrl, 'Demo', 'test-pat');
  });

  it('records a sync through the API with its counters (one uploaded, one failed with its code)', async () => {
    const ours = await adoSyncApi();
    const workItemId = 1; // the seeded Epic
    const good = writeWorkspaceFile('history-e2e/spec.txt', `spec ${Date.now()}`);
    const missing = path.join(path.dirname(good), 'not-there.pdf');
    const started = performance.now();
    const summary = await ours.attach(workItemId, [good, missing]);
    recordMetric('attach 2 files (1 missing) ms', performance.now() - started);
    assert.deepEqual([summary.counters.uploaded, summary.counters.failed], [1, 1]);
    const row = (await ours.history({}, 5)).rows.find((r) => r.id === summary.runId);
    assert.ok(row, `run ${summary.runId} is not in the history`);
    // A run with a failed item ends 'failed' (the engine's rule); its counters say what happened.
    assert.deepEqual({ status: row.status, trigger: row.trigger, uploaded: row.uploaded, failed: row.itemsFailed, workItemId: row.workItemId },
      { status: summary.status, trigger: 'attach', uploaded: 1, failed: 1, workItemId });
    assert.ok(row.bytesTransferred > 0, 'bytes moved are recorded');
  });

  it('imports a backlog from an exported file into the same store, with per-type counters', async () => {
    const components = generateBacklog({ workspaceId: 'e2e-ws', epics: 1, featuresPerEpic: 2, storiesPerFeature: 2 });
    const file = writeWorkspaceFile('history-e2e/backlog.json', JSON.stringify({ values: components }));
    const summary = await vscode.commands.executeCommand<BacklogImportSummary>(Commands.importBacklog, { file });
    assert.ok(summary, 'the import returned no summary');
    assert.equal(summary.status, 'completed', summary.error);
    assert.deepEqual([summary.byKind.epic.created, summary.byKind.feature.created, summary.byKind.user_story.created], [1, 2, 4]);
    assert.ok(summary.historyId !== undefined, 'the run was not recorded');
    const row = (await (await adoSyncApi()).history({ kind: 'backlog_import' }, 5)).rows.find((r) => r.id === summary.historyId);
    assert.ok(row);
    assert.deepEqual([row.status, row.epicsCreated, row.featuresCreated, row.userStoriesCreated, row.itemsFailed, row.deletionCount], ['completed', 1, 2, 4, 0, 0]);
  });

  it('a dry run changes nothing and records no history', async () => {
    const before = (await (await adoSyncApi()).history({ kind: 'backlog_import' }, 1)).total;
    const components = generateBacklog({ workspaceId: 'e2e-ws', epics: 1, featuresPerEpic: 2, storiesPerFeature: 2 });
    const file = writeWorkspaceFile('history-e2e/backlog.json', JSON.stringify({ values: components }));
    const summary = await vscode.commands.executeCommand<BacklogImportSummary>(Commands.importBacklog, { file, overwrite: true, dryRun: true });
    assert.equal(summary?.dryRun, true);
    assert.equal(summary?.deletionCount, 7, 'overwrite would delete the 7 items the first import created');
    assert.equal((await (await adoSyncApi()).history({ kind: 'backlog_import' }, 1)).total, before);
  });

  it('Show Sync History opens one panel; running it again reveals it instead of opening another', async () => {
    await vscode.commands.executeCommand(Commands.showHistory);
    await pollUntil('the history panel', 10_000, () => (historyTabs().length ? true : undefined));
    await vscode.commands.executeCommand(Commands.showHistory);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(historyTabs().length, 1, 'the panel was duplicated');
    assert.equal(historyTabs()[0].label, 'Sync History');
  });

  it('a database locked by another live process opens read-only: history answers, syncing refuses, nothing crashes', async () => {
    const ours = await adoSyncApi();
    const relative = '.ado-sync/locked-e2e.sqlite';
    // A live process on this host holds the writer lock (the lock file format of src/core/store/lock.ts).
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const lockFile = writeWorkspaceFile(`${relative}.lock`, JSON.stringify({ pid: holder.pid, host: os.hostname(), startedAt: new Date().toISOString() }));
    try {
      await ours.signOut();
      await vscode.workspace.getConfiguration('adoSync').update('dbPath', relative, vscode.ConfigurationTarget.Workspace);
      await ours.connect(emulatorUrl, 'Demo', 'test-pat');
      const page = await ours.history({}, 10);
      assert.equal(page.total, 0, 'the locked (empty) database is read, not replaced');
      await assert.rejects(ours.attach(1, [writeWorkspaceFile('history-e2e/locked.txt', 'x')]), /not ready/i);
      assert.ok(existsSync(lockFile), 'the other process keeps its lock');
      assert.equal(existsSync(lockFile.replace(/\.lock$/, '')), false, 'read-only: nothing was written');
    } finally {
      holder.kill();
      await ours.signOut();
      await vscode.workspace.getConfiguration('adoSync').update('dbPath', undefined, vscode.ConfigurationTarget.Workspace);
      await ours.connect(emulatorUrl, 'Demo', 'test-pat');
    }
  });
});
