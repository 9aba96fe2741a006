// Browser suite: a multi-root workspace. One folder is synced: the extension says which (once,
// and on the view's title), the user picks another with "Select Sync Folder...", and that
// folder's own settings apply: here the first names an organization without credentials (the
// view offers to connect to it), the second names organization A, which the user connected to.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { pickQuickPickRow, showWorkItemsView, sideBarRow, startCommand } from '../lib/adoWorkbench';
import { call } from '../lib/harnessCall';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { settledStatus } from '../lib/trustSteps';
import { saveScreenshot, showFolder, waitForNotification } from '../lib/workbench';

function folderNaming(root: string, name: string, orgUrl: string): string {
  const folder = path.join(root, name);
  mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'adoSync.orgUrl': orgUrl, 'adoSync.project': 'Demo' }, null, 2));
  return folder;
}

/** The Work Items view's description (its header is folded into the container's when it is the only view). */
async function viewDescription(page: Page, text: string): Promise<void> {
  await page.locator(`.pane-header[aria-label="Work Items - ${text} Section"]`).waitFor({ state: 'attached', timeout: 10_000 });
}

describe('multi-root workspace', function () {
  this.timeout(120_000);
  let root: string;
  let workspaceFile: string;

  before(async function () {
    const { page, emulatorUrl, resultsFile } = e2eSession();
    if (!emulatorUrl) this.skip();
    // Organization A's credentials are stored (the run's window connects to it).
    await call(page, resultsFile, { api: 'connect', args: [emulatorUrl, 'Demo', 'test-pat'] });
    root = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-multiroot-'));
    const first = folderNaming(root, 'frontend', 'http://127.0.0.1:9/NeverConnected');
    const second = folderNaming(root, 'backend', emulatorUrl ?? '');
    workspaceFile = path.join(root, 'two.code-workspace');
    writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: first }, { path: second }] }, null, 2));
  });

  after(async () => {
    const { page, codeServer, workspace } = e2eSession();
    await showFolder(page, codeServer.url, workspace).catch(() => undefined);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('says which folder it syncs, and that folder\'s settings apply', async () => {
    const { page, codeServer, resultsFile } = e2eSession();
    // code-server now and then opens a fresh .code-workspace without its folders: reload until it has them.
    await pollUntil('the multi-root workspace shows its two folders', 60_000, async () => {
      await showFolder(page, codeServer.url, workspaceFile);
      const names = (await call(page, resultsFile, { harness: 'workspaceFolders' })) as string[];
      return names.length === 2 ? true : undefined;
    }, undefined, 1_000);
    assert.equal(await settledStatus(page, resultsFile, 'consentNeeded'), 'consentNeeded');
    await waitForNotification(page, /multi-root workspace in the folder "frontend"/, 20_000);
    await showWorkItemsView(page);
    await viewDescription(page, 'frontend');
    await sideBarRow(page, 'Connect to 127.0.0.1:9…').waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('.part.sidebar', { hasText: 'Syncing folder "frontend"' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await saveScreenshot(page, 'multi-root-first-folder');
  });

  it('Select Sync Folder... switches to the other folder: its settings name A, which connects', async () => {
    const { page, resultsFile } = e2eSession();
    await startCommand(page, 'ADO Sync: Select Sync Folder...');
    await pickQuickPickRow(page, 'backend', 'backend');
    await viewDescription(page, 'backend');
    assert.equal(await settledStatus(page, resultsFile, 'connected'), 'connected');
    await sideBarRow(page, 'Assigned to Me').waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.part.sidebar', { hasText: 'Syncing folder "backend"' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await saveScreenshot(page, 'multi-root-second-folder');
  });

  it('Attach Files from the palette opens its file dialog in the synced folder, not the first one', async () => {
    const { page } = e2eSession();
    await startCommand(page, 'ADO Sync: Attach Files to Work Item...');
    // code-server's file dialog is a quick input whose box holds the folder it opened in.
    const input = page.locator('.quick-input-widget input');
    const opened = await pollUntil('the file dialog names a folder', 15_000, async () => {
      const value = await input.inputValue().catch(() => '');
      return /(frontend|backend)/.test(value) ? value : undefined;
    });
    await page.keyboard.press('Escape');
    assert.match(opened, /backend/, `the dialog opened in ${opened}`);
  });
});
