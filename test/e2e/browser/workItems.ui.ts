// Browser suite: what a person does with work item attachments in the workbench, checked against
// what the emulator ("Azure DevOps") holds. Screenshots of each step under test-results/e2e/.
import * as assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { contextMenu, ensureConnected, explorerRow, withWorkspaceSettings, pickQuickPickRow, rowBadges, sideBarRow, startCommand, showWorkItemsView, statusBarSequence, waitForChildRow, waitForRow } from '../lib/adoWorkbench';
import { addColleagueAttachment, attachmentsOf, clearFaults, setFaults, sha256Of, workItemByTitle } from '../lib/emulatorAdmin';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { runCommand, saveScreenshot, waitForNotification } from '../lib/workbench';

const STORY = 'Download an invoice as PDF';
const TASK = 'Fix rounding in totals';
const SETTINGS_TASK = 'Write the settings API';

describe('work items and attachments (workbench)', function () {
  this.timeout(120_000);
  let storyId = 0;
  let taskId = 0;
  let settingsId = 0;

  before(async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    storyId = (await workItemByTitle(emulatorUrl ?? '', STORY)).id;
    taskId = (await workItemByTitle(emulatorUrl ?? '', TASK)).id;
    settingsId = (await workItemByTitle(emulatorUrl ?? '', SETTINGS_TASK)).id;
    await ensureConnected(page, emulatorUrl ?? '').catch(async (error: unknown) => {
      await saveScreenshot(page, 'failed-work-items-connect');
      throw error;
    });
  });

  after(async () => {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) return;
    await clearFaults(emulatorUrl);
    await runCommand(page, 'ADO Sync: Sign Out');
  });

  it('the tree shows the groups and the work items assigned to me, with type, state and attachment count', async () => {
    const { page } = e2eSession();
    await showWorkItemsView(page);
    await waitForRow(page, 'Tracked');
    await waitForRow(page, 'Assigned to Me');
    const story = await waitForRow(page, `${storyId} ${STORY}`);
    // "$(file) 1": the seeded mockup is the story's one attachment.
    assert.match(await story.innerText(), /New|Active/);
    await saveScreenshot(page, 'work-items-tree');
  });

  it('attaches two files selected in the Explorer through its context menu and the work item QuickPick', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    const files = ['ui-spec-1.txt', 'ui-spec-2.txt'].map((name, i) => {
      const file = path.join(workspace, name);
      writeFileSync(file, `${name}\n`.repeat(500 * (i + 1)));
      return file;
    });
    await runCommand(page, 'View: Show Explorer');
    const first = await explorerRow(page, 'ui-spec-1.txt');
    const second = await explorerRow(page, 'ui-spec-2.txt');
    await first.click();
    await second.click({ modifiers: ['Control'] });
    await saveScreenshot(page, 'attach-1-explorer-selection');
    await contextMenu(page, second, 'Attach Files to Work Item...');
    await pickQuickPickRow(page, String(storyId), `${storyId} ${STORY}`);
    await saveScreenshot(page, 'attach-2-picked');
    const message = await waitForNotification(page, new RegExp(`Attach to work item ${storyId}: 2 uploaded`), 30_000);
    await saveScreenshot(page, 'attach-3-done');
    assert.match(message, /2 uploaded/);
    const remote = await attachmentsOf(emulatorUrl ?? '', storyId);
    for (const file of files) {
      const linked = remote.find((entry) => entry.name === path.basename(file));
      assert.ok(linked, `${path.basename(file)} is not linked in ADO`);
      assert.equal(linked.attachment?.sha256, sha256Of(file), `${path.basename(file)}: bytes in ADO differ`);
    }
    await showWorkItemsView(page);
    await waitForChildRow(page, `${storyId} ${STORY}`, /ui-spec-2\.txt.*synced/s);
    await saveScreenshot(page, 'attach-4-tree-synced');
    // The Explorer marks both files as attached and synced.
    await runCommand(page, 'View: Show Explorer');
    for (const name of ['ui-spec-1.txt', 'ui-spec-2.txt']) {
      const row = await explorerRow(page, name);
      await pollUntil(`Explorer badge on ${name}`, 10_000, async () => ((await rowBadges(row)).includes('✓') ? true : undefined));
    }
    await saveScreenshot(page, 'attach-5-explorer-badges');
  });

  it('an attachment a colleague adds in ADO appears after Force Sync; the status bar goes syncing -> synced', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    const content = `colleague's measurements ${Date.now()}\n`;
    await addColleagueAttachment(emulatorUrl ?? '', taskId, 'measurements.csv', content);
    // Slow the download a little, so that a person (and this test) can see "syncing".
    await setFaults(emulatorUrl ?? '', [{ route: '/_apis/wit/attachments/', method: 'GET', rate: 1, kinds: ['delay'], delayMs: 2_000, count: 1 }]);
    await showWorkItemsView(page);
    const row = await waitForRow(page, `${taskId} ${TASK}`);
    await contextMenu(page, row, 'Force Sync Work Item');
    const sequence = statusBarSequence(page, [/ADO: syncing/, /ADO: synced/], 30_000);
    await pollUntil('status bar shows syncing', 15_000, async () => ((await page.locator('.part.statusbar').innerText()).includes('ADO: syncing') ? true : undefined), undefined, 50);
    await saveScreenshot(page, 'force-sync-1-syncing');
    const seen = await sequence;
    await saveScreenshot(page, 'force-sync-2-synced');
    assert.equal(seen[seen.length - 1], 'ADO: synced', `status bar went ${seen.join(' -> ')}`);
    const local = path.join(workspace, '.ado-attachments', String(taskId), 'measurements.csv');
    await pollUntil('measurements.csv in the mirror folder', 10_000, () => (existsSync(local) ? true : undefined));
    const remote = (await attachmentsOf(emulatorUrl ?? '', taskId)).find((entry) => entry.name === 'measurements.csv');
    assert.equal(sha256Of(local), remote?.attachment?.sha256);
    await waitForChildRow(page, `${taskId} ${TASK}`, /measurements\.csv.*synced/s);
    await saveScreenshot(page, 'force-sync-3-tree');
  });

  it('Track Work Item from the palette: the picker finds a work item by words of its title', async () => {
    const { page } = e2eSession();
    await startCommand(page, 'ADO Sync: Track Work Item');
    await pickQuickPickRow(page, 'settings API', `${settingsId} ${SETTINGS_TASK}`);
    await saveScreenshot(page, 'track-picked-by-title');
    await showWorkItemsView(page);
    // The Tracked group lists it (its row comes before the Assigned to Me group's copy).
    const tracked = page.locator('.part.sidebar .monaco-list-row', { hasText: `${settingsId} ${SETTINGS_TASK}` });
    await pollUntil('the work item twice in the tree (Tracked and Assigned to Me)', 15_000, async () => ((await tracked.count()) >= 2 ? true : undefined));
  });

  it('dropping a file (its editor tab) on a work item in the tree attaches it', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    const file = path.join(workspace, 'dropped-notes.md');
    writeFileSync(file, '# Notes dropped on a work item\n');
    await runCommand(page, 'View: Show Explorer');
    await (await explorerRow(page, 'dropped-notes.md')).click();
    const tab = page.locator('.tabs-container .tab', { hasText: 'dropped-notes.md' }).first();
    await tab.waitFor({ state: 'visible' });
    await showWorkItemsView(page);
    const target = await waitForRow(page, `${taskId} ${TASK}`);
    await tab.dragTo(target);
    await waitForNotification(page, new RegExp(`Attach to work item ${taskId}: 1 uploaded`), 30_000);
    await saveScreenshot(page, 'drop-on-work-item');
    const linked = (await attachmentsOf(emulatorUrl ?? '', taskId)).find((entry) => entry.name === 'dropped-notes.md');
    assert.equal(linked?.attachment?.sha256, sha256Of(file));
  });

  it('a large upload shows its percent and rate in a notification and "uploading n%" in the tree', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    const file = path.join(workspace, 'big-drawing.bin');
    const bytes = Buffer.alloc(24 * 1024 * 1024, 3);
    bytes.write(`drawing ${Date.now()}`);
    writeFileSync(file, bytes);
    await runCommand(page, 'View: Show Explorer');
    const row = await explorerRow(page, 'big-drawing.bin');
    await row.click();
    // Hold each chunk a while, so that the transfer can be watched (five 5 MB chunks).
    await setFaults(emulatorUrl ?? '', [{ route: '/_apis/wit/attachments', method: 'PUT', rate: 1, kinds: ['delay'], delayMs: 1_500 }]);
    await contextMenu(page, row, 'Attach Files to Work Item...');
    await pickQuickPickRow(page, String(storyId), `${storyId} ${STORY}`);
    await waitForNotification(page, /Attaching "big-drawing\.bin"[\s\S]*\d+% of 24 MB · [\d.]+ MB\/s/, 30_000);
    await saveScreenshot(page, 'upload-progress-notification');
    await showWorkItemsView(page);
    await waitForChildRow(page, `${storyId} ${STORY}`, /big-drawing\.bin.*uploading \d+%/s);
    await saveScreenshot(page, 'upload-progress-tree');
    await clearFaults(emulatorUrl ?? '');
    await waitForNotification(page, new RegExp(`Attach to work item ${storyId}: 1 uploaded`), 60_000);
    const linked = (await attachmentsOf(emulatorUrl ?? '', storyId)).find((entry) => entry.name === 'big-drawing.bin');
    assert.equal(linked?.attachment?.sha256, sha256Of(file));
  });

  it('Cancel on the progress notification stops an upload: nothing is linked in ADO', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    const bytes = Buffer.alloc(30 * 1024 * 1024, 5);
    bytes.write(`cancelled ${Date.now()}`);
    writeFileSync(path.join(workspace, 'cancelled.bin'), bytes);
    await runCommand(page, 'View: Show Explorer');
    const row = await explorerRow(page, 'cancelled.bin');
    await row.click();
    await setFaults(emulatorUrl ?? '', [{ route: '/_apis/wit/attachments', method: 'PUT', rate: 1, kinds: ['delay'], delayMs: 1_500 }]);
    try {
      await contextMenu(page, row, 'Attach Files to Work Item...');
      await pickQuickPickRow(page, String(storyId), `${storyId} ${STORY}`);
      await waitForNotification(page, /Attaching "cancelled\.bin"[\s\S]*\d+% of 30 MB/, 30_000);
      const toast = page.locator('.notification-list-item', { hasText: 'Attaching "cancelled.bin"' }).first();
      await toast.getByRole('button', { name: 'Cancel' }).click();
      await waitForNotification(page, new RegExp(`Attach to work item ${storyId}: cancelled`), 30_000);
      await saveScreenshot(page, 'upload-cancelled');
    } finally {
      await clearFaults(emulatorUrl ?? '');
    }
    assert.ok(!(await attachmentsOf(emulatorUrl ?? '', storyId)).some((entry) => entry.name === 'cancelled.bin'), 'nothing linked in ADO');
    // The tree must not keep spinning "uploading" for bytes that no longer move: a cancelled attach
    // leaves no record, so the work item (expanded) lists no row for the file.
    await showWorkItemsView(page);
    await waitForChildRow(page, `${storyId} ${STORY}`, 'invoice-mockup.txt');
    // Visible rows only: the hidden Explorer lists the workspace's cancelled.bin too.
    const visibleRows = page.locator('.part.sidebar .monaco-list-row:visible', { hasText: /cancelled\.bin/ });
    await pollUntil('no row for the cancelled file', 10_000, async () => ((await visibleRows.count()) === 0 ? true : undefined));
    await saveScreenshot(page, 'upload-cancelled-tree');
  });

  it('a failing upload is shown as failed with the server\'s message; Retry in the notification attaches it', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    const file = path.join(workspace, 'flaky-upload.txt');
    writeFileSync(file, `uploaded on the second try ${Date.now()}\n`);
    await runCommand(page, 'View: Show Explorer');
    const row = await explorerRow(page, 'flaky-upload.txt');
    await row.click();
    // Every upload answers 500 (after the client's retries): the service's own message must reach the user.
    await setFaults(emulatorUrl ?? '', [{ route: '/_apis/wit/attachments', method: 'POST', rate: 1, kinds: ['500'] }]);
    await contextMenu(page, row, 'Attach Files to Work Item...');
    await pickQuickPickRow(page, String(storyId), `${storyId} ${STORY}`);
    const message = await waitForNotification(page, /failed: "flaky-upload\.txt": .*TF400898/, 60_000);
    assert.match(message, /An Internal Error Occurred/);
    const toast = page.locator('.notification-list-item', { hasText: 'flaky-upload.txt' }).filter({ hasText: 'TF400898' }).first();
    await toast.getByRole('button', { name: 'Show Log' }).waitFor({ state: 'visible' });
    await saveScreenshot(page, 'failed-upload-1-notification');
    await showWorkItemsView(page);
    const failed = await waitForChildRow(page, `${storyId} ${STORY}`, /flaky-upload\.txt.*failed/s);
    assert.match(await failed.innerText(), /TF400898/);
    await saveScreenshot(page, 'failed-upload-2-tree');
    await clearFaults(emulatorUrl ?? '');
    await toast.getByRole('button', { name: 'Retry' }).click();
    await waitForNotification(page, new RegExp(`Attach to work item ${storyId}: 1 uploaded`), 30_000);
    await waitForChildRow(page, `${storyId} ${STORY}`, /flaky-upload\.txt.*synced/s);
    await saveScreenshot(page, 'failed-upload-3-retried');
    const linked = (await attachmentsOf(emulatorUrl ?? '', storyId)).find((entry) => entry.name === 'flaky-upload.txt');
    assert.equal(linked?.attachment?.sha256, sha256Of(file));
  });

  it('Open Attachment on a file that is only in ADO downloads it into the mirror folder and opens it', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    await showWorkItemsView(page);
    const row = await waitForChildRow(page, `${storyId} ${STORY}`, /invoice-mockup\.txt.*in ADO only/s);
    await contextMenu(page, row, 'Open Attachment');
    await page.locator('.tabs-container .tab', { hasText: 'invoice-mockup.txt' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const local = path.join(workspace, '.ado-attachments', String(storyId), 'invoice-mockup.txt');
    assert.ok(existsSync(local), `${local} was not downloaded`);
    const remote = (await attachmentsOf(emulatorUrl ?? '', storyId)).find((entry) => entry.name === 'invoice-mockup.txt');
    assert.equal(sha256Of(local), remote?.attachment?.sha256);
    await waitForChildRow(page, `${storyId} ${STORY}`, /invoice-mockup\.txt.*synced/s);
    await saveScreenshot(page, 'attachment-opened');
  });

  it('Reveal in Explorer selects the downloaded file in the Explorer', async () => {
    const { page } = e2eSession();
    const row = await waitForChildRow(page, `${storyId} ${STORY}`, /invoice-mockup\.txt.*synced/s);
    await contextMenu(page, row, 'Reveal in Explorer');
    const revealed = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'invoice-mockup.txt' });
    await revealed.waitFor({ state: 'visible', timeout: 10_000 });
    await saveScreenshot(page, 'attachment-revealed');
  });

  it('Remove from Work Item asks modally, then removes the link in ADO and keeps the local file', async () => {
    const { page, workspace, emulatorUrl } = e2eSession();
    await showWorkItemsView(page);
    const row = await waitForChildRow(page, `${storyId} ${STORY}`, /ui-spec-1\.txt.*synced/s);
    await contextMenu(page, row, 'Remove from Work Item...');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await dialog.innerText(), new RegExp(`Remove "ui-spec-1.txt" from work item ${storyId}`));
    await saveScreenshot(page, 'remove-confirmation');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await pollUntil('the relation is gone in ADO', 15_000, async () =>
      (await attachmentsOf(emulatorUrl ?? '', storyId)).some((entry) => entry.name === 'ui-spec-1.txt') ? undefined : true);
    assert.ok(existsSync(path.join(workspace, 'ui-spec-1.txt')), 'the local file is kept');
    // The tree follows: the file is no longer synced with ADO, but still listed as local.
    await waitForChildRow(page, `${storyId} ${STORY}`, /ui-spec-1\.txt.*(local only|removed in ADO)/s);
    await saveScreenshot(page, 'removed-from-work-item');
  });

  it('Delete Local Record forgets the file\'s record (the file stays on disk, ADO is untouched)', async () => {
    const { page, workspace } = e2eSession();
    const row = await waitForChildRow(page, `${storyId} ${STORY}`, /ui-spec-1\.txt.*(local only|removed in ADO)/s);
    await contextMenu(page, row, 'Delete Local Record');
    // Visible rows only: the hidden Explorer lists the workspace's ui-spec-1.txt too.
    await pollUntil('the row is gone from the tree', 10_000, async () => ((await page.locator('.part.sidebar .monaco-list-row:visible', { hasText: 'ui-spec-1.txt' }).count()) === 0 ? true : undefined));
    assert.ok(existsSync(path.join(workspace, 'ui-spec-1.txt')), 'the file is kept');
  });

  it('a WIQL query in adoSync.workItemQuery adds a "Query" group with its work items', async () => {
    const { page, workspace } = e2eSession();
    const query = "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Epic'";
    await withWorkspaceSettings(workspace, { 'adoSync.workItemQuery': query }, async () => {
      await showWorkItemsView(page);
      const group = await waitForRow(page, /^Query$/);
      // The row right under the group is its first work item (the epic may be tracked too, elsewhere).
      const index = Number(await group.getAttribute('data-index'));
      const first = page.locator(`.part.sidebar .monaco-list-row[data-index="${index + 1}"]`);
      await pollUntil('the query\'s epic under the Query group', 15_000, async () => ((await first.innerText().catch(() => '')).includes('Customer portal') ? true : undefined));
      await saveScreenshot(page, 'query-group');
    });
    await pollUntil('the Query group goes with the setting', 10_000, async () => ((await sideBarRow(page, /^Query$/).isVisible()) ? undefined : true));
  });
});
