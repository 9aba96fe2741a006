// Extension-host suite: the work item commands and the exported API against the emulator, with
// the real engine, sql.js store and mirror folder. Checks what ADO (the emulator) holds after
// each step, byte for byte.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../src/core/sync/engineApi';
import { Commands } from '../../../src/shared/ids';
import { EMULATOR_URL_ENV } from '../exthost/protocol';
import { addColleagueAttachment, attachmentsOf, sha256Of, workItemByTitle } from '../lib/emulatorAdmin';
import { pollUntil } from '../lib/steps';
import { adoSyncApi, workspaceRoot, writeWorkspaceFile } from '../exthost/workspace';

const MIRROR = '.ado-attachments';

function counts(summary: RunSummary | undefined): Record<string, number> {
  assert.ok(summary, 'the command returned no run summary');
  const byStatus: Record<string, number> = {};
  for (const item of summary.items) byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
  return byStatus;
}

describe('work items and attachments', function () {
  this.timeout(60_000);
  const emulatorUrl = process.env[EMULATOR_URL_ENV] ?? '';
  let bugId = 0;
  let storyId = 0;

  before(async function () {
    if (!emulatorUrl) this.skip();
    await (await adoSyncApi()).connect(emulatorUrl, 'Demo', 'test-pat');
    bugId = (await workItemByTitle(emulatorUrl, 'Invoice totals round wrongly')).id;
    storyId = (await workItemByTitle(emulatorUrl, 'Change the e-mail address')).id;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('adoSync').update('pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    if (emulatorUrl) await (await adoSyncApi()).signOut();
  });

  it('lists the attachments ADO has before any sync as "in ADO only"', async () => {
    const listing = await (await adoSyncApi()).list(bugId);
    const names = listing.attachments.map((entry) => `${entry.fileName}:${entry.state}`).sort();
    assert.deepEqual(names, ['repro.md:in_ado_only', 'trace.log:in_ado_only']);
  });

  it('Track + Force Sync Work Item download its attachments into the mirror folder with ADO\'s bytes', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.trackWorkItem, bugId), bugId);
    assert.ok((await (await adoSyncApi()).tracked()).includes(bugId));
    const summary = await vscode.commands.executeCommand<RunSummary>(Commands.syncWorkItem, bugId);
    assert.equal(counts(summary).downloaded, 2, JSON.stringify(summary?.items));
    for (const remote of await attachmentsOf(emulatorUrl, bugId)) {
      const local = path.join(workspaceRoot(), MIRROR, String(bugId), remote.name);
      assert.ok(existsSync(local), `${local} was not downloaded`);
      assert.equal(sha256Of(local), remote.attachment?.sha256, `${remote.name} differs from ADO`);
    }
    const states = (await (await adoSyncApi()).list(bugId)).attachments.map((entry) => entry.state);
    assert.deepEqual(states, ['synced', 'synced']);
  });

  it('attaches two workspace files through the API: relations in ADO, same bytes, then a second attach is a duplicate', async () => {
    const files = [writeWorkspaceFile('docs/spec-a.txt', 'spec A\n'.repeat(1000)), writeWorkspaceFile('docs/spec-b.txt', 'spec B\n'.repeat(2000))];
    const summary = await (await adoSyncApi()).attach(storyId, files);
    assert.equal(counts(summary).uploaded, 2, JSON.stringify(summary.items));
    const remote = await attachmentsOf(emulatorUrl, storyId);
    for (const file of files) {
      const match = remote.find((entry) => entry.name === path.basename(file));
      assert.ok(match, `${path.basename(file)} is not linked to work item ${storyId}`);
      assert.equal(match.attachment?.sha256, sha256Of(file));
    }
    assert.ok((await (await adoSyncApi()).tracked()).includes(storyId), 'attaching tracks the work item');
    const again = await (await adoSyncApi()).attach(storyId, files);
    assert.equal(counts(again).duplicate, 2, JSON.stringify(again.items));
    assert.equal((await attachmentsOf(emulatorUrl, storyId)).length, remote.length, 'nothing linked twice');
  });

  it('an attachment a colleague adds in ADO appears in the mirror folder after Force Sync', async () => {
    const content = `notes from a colleague ${Date.now()}\n`;
    await addColleagueAttachment(emulatorUrl, bugId, 'colleague-notes.txt', content);
    const summary = await vscode.commands.executeCommand<RunSummary>(Commands.syncWorkItem, bugId);
    assert.equal(counts(summary).downloaded, 1, JSON.stringify(summary?.items));
    const local = path.join(workspaceRoot(), MIRROR, String(bugId), 'colleague-notes.txt');
    assert.ok(existsSync(local));
    assert.equal(sha256Of(local), (await attachmentsOf(emulatorUrl, bugId)).find((r) => r.name === 'colleague-notes.txt')?.attachment?.sha256);
  });

  it('Sync All syncs every tracked work item (a colleague\'s file on the other one arrives too)', async () => {
    await addColleagueAttachment(emulatorUrl, storyId, 'review.txt', 'reviewed\n');
    const summary = await vscode.commands.executeCommand<RunSummary>(Commands.syncAll);
    const downloaded = summary?.items.filter((item) => item.status === 'downloaded').map((item) => `${item.workItemId}/${item.fileName}`);
    assert.deepEqual(downloaded, [`${storyId}/review.txt`], JSON.stringify(summary?.items));
    assert.ok(existsSync(path.join(workspaceRoot(), MIRROR, String(storyId), 'review.txt')));
  });

  it('a file over the server\'s size limit fails with the server\'s TF237082 message and is listed as failed', async () => {
    // The emulator enforces ADO Services' 60 MB limit; one byte more is refused.
    const big = writeWorkspaceFile('big/too-large.bin', Buffer.alloc(60 * 1024 * 1024 + 1, 7));
    const summary = await (await adoSyncApi()).attach(storyId, [big]);
    const [item] = summary.items;
    assert.equal(item?.status, 'failed', JSON.stringify(summary.items));
    assert.match(item.error?.message ?? '', /TF237082/);
    const entry = (await (await adoSyncApi()).list(storyId)).attachments.find((candidate) => candidate.fileName === 'too-large.bin');
    assert.equal(entry?.state, 'failed');
    assert.match(entry?.error ?? '', /TF237082/);
    assert.ok(!(await attachmentsOf(emulatorUrl, storyId)).some((r) => r.name === 'too-large.bin'), 'nothing linked in ADO');
  });

  it('Find Duplicates of File finds the work item that has the same content', async () => {
    const copy = writeWorkspaceFile('copies/spec-a-copy.txt', 'spec A\n'.repeat(1000));
    const matches = await vscode.commands.executeCommand<{ workItemId: number }[]>(Commands.findDuplicates, vscode.Uri.file(copy));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(matches?.some((match) => match.workItemId === storyId), JSON.stringify(matches));
  });

  it('the background poll (adoSync.pollIntervalSeconds) brings a colleague\'s attachment without any command', async () => {
    await addColleagueAttachment(emulatorUrl, bugId, 'polled.txt', 'arrived by polling\n');
    await vscode.workspace.getConfiguration('adoSync').update('pollIntervalSeconds', 2, vscode.ConfigurationTarget.Workspace);
    const local = path.join(workspaceRoot(), MIRROR, String(bugId), 'polled.txt');
    await pollUntil('polled.txt in the mirror folder', 20_000, () => (existsSync(local) ? true : undefined));
    await vscode.workspace.getConfiguration('adoSync').update('pollIntervalSeconds', 0, vscode.ConfigurationTarget.Workspace);
    const runs = await (await adoSyncApi()).history({ trigger: 'poll' });
    assert.ok(runs.total >= 1, 'a poll run is recorded in the history');
  });

  it('Untrack stops syncing a work item; the downloaded files stay', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.untrackWorkItem, bugId), bugId);
    assert.ok(!(await (await adoSyncApi()).tracked()).includes(bugId));
    assert.ok(existsSync(path.join(workspaceRoot(), MIRROR, String(bugId), 'repro.md')));
  });
});
