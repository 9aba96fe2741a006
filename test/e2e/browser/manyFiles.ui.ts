// Browser suite: 300 files attached to one work item (issue 19). ADO takes 100 attachments per
// work item, so 200 are refused: the notification counts the failures by reason instead of
// concatenating 200 errors, offers no Retry (a retry would be refused the same way), and Show
// Details opens that run in Sync History. Then a reload: the 300 files' Explorer badges come back
// (a regression check of the batched change events: it passes on the old code too here, which
// did not lose badges in this layout with code-server 1.139).
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../../../src/core/sync/engineApi';
import { connectedToEmulator, explorerRow, rowBadges, statusBarItem } from '../lib/adoWorkbench';
import { attachmentsOf, createWorkItem } from '../lib/emulatorAdmin';
import { startCall } from '../lib/harnessCall';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { findWebviewFrame, runCommand, saveScreenshot, waitForNotification } from '../lib/workbench';

describe('300 files to one work item (workbench)', function () {
  this.timeout(240_000);
  connectedToEmulator([]);

  after(async () => {
    // 300 open rows would push the workspace's own files out of the Explorer's rendered rows,
    // where the next suites look for them: leave the folder closed.
    const { page } = e2eSession();
    const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'scans-300' }).first();
    if ((await folder.getAttribute('aria-expanded', { timeout: 5_000 }).catch(() => null)) === 'true') await folder.click();
  });

  it('the failure notification counts by reason, offers no Retry for refused files, and Show Details opens the run', async () => {
    const { page, workspace, emulatorUrl, resultsFile } = e2eSession();
    const url = emulatorUrl ?? '';
    const id = await createWorkItem(url, 'Scans of the archive (300 files)');
    const folder = path.join(workspace, 'scans-300');
    mkdirSync(folder, { recursive: true });
    const files = Array.from({ length: 300 }, (_, i) => {
      const file = path.join(folder, `scan-${String(i + 1).padStart(3, '0')}.txt`);
      writeFileSync(file, `scan ${i + 1} ${Date.now()}\n`);
      return file;
    });
    // The command as the Explorer runs it, with the 300 paths (a 300-row multi-selection by mouse is not the point).
    const attach = startCall(page, resultsFile, { command: 'adoSync.attachFiles', args: [id, files] });
    const message = await waitForNotification(page, new RegExp(`Attach to work item ${id}: 100 uploaded; 200 failed`), 180_000);
    const summary = (await attach.result(30_000)) as RunSummary;
    await saveScreenshot(page, 'many-files-1-notification');
    assert.equal(message, `Attach to work item ${id}: 100 uploaded; 200 failed: 200 over the 100-attachment limit of a work item`);
    assert.equal((await attachmentsOf(url, id)).length, 100);
    const toast = page.locator('.notification-list-item', { hasText: `Attach to work item ${id}: 100 uploaded` }).first();
    await toast.getByRole('button', { name: 'Show Log' }).waitFor({ state: 'visible' });
    assert.equal(await toast.getByRole('button', { name: /^Retry/ }).count(), 0, 'Retry is offered for files a retry cannot bring through');
    await toast.getByRole('button', { name: 'Show Details' }).click();
    const frame = await findWebviewFrame(page, `section.detail[aria-label="Run ${summary.runId}"]`, 20_000);
    await frame.locator(`table[aria-label="Items of run ${summary.runId}"] td.error`).first().waitFor();
    // The history's counters say what the notification said.
    const counters = await frame.evaluate((runId) => {
      const table = document.querySelector('table[aria-label="Sync runs"]');
      const head = [...(table?.querySelectorAll('thead th') ?? [])].map((th) => (th.textContent ?? '').trim());
      const cells = [...(table?.querySelector(`tbody tr[data-run-id="${runId}"]`)?.querySelectorAll('th, td') ?? [])].map((c) => (c.textContent ?? '').trim());
      return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
    }, summary.runId);
    assert.deepEqual([counters.Uploaded, counters.Failed, counters.Status], ['100', '200', 'completed with 200 failures']);
    await saveScreenshot(page, 'many-files-2-details');
  });

  it('after a window reload the 300 files (more than the 250 URIs VS Code takes in one decoration event) show their Explorer badges', async () => {
    const { page } = e2eSession();
    // The folder open in the Explorer before the reload is open after it, and its rows render
    // before the extension has read its records: only its change events can paint the badges.
    await runCommand(page, 'View: Show Explorer');
    const before = await explorerRow(page, 'scans-300');
    if ((await before.getAttribute('aria-expanded')) !== 'true') await before.click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'scan-001.txt' }).first().waitFor({ state: 'visible' });
    await page.waitForTimeout(1_000);
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForTimeout(2_000);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    await statusBarItem(page, 'ADO:').waitFor({ state: 'visible', timeout: 30_000 });
    await runCommand(page, 'View: Show Explorer');
    const folder = await explorerRow(page, 'scans-300');
    assert.equal(await folder.getAttribute('aria-expanded'), 'true', 'the Explorer kept the folder open');
    // The rows the Explorer renders (the first screen of the folder): each has its badge, ✓ or !.
    const rows = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^scan-\d{3}\.txt/ });
    const missing = await pollUntil('a badge on every scan file the Explorer shows', 30_000, async () => {
      const count = await rows.count();
      if (count < 10) return undefined;
      const without: string[] = [];
      for (let i = 0; i < count; i++) {
        const row = rows.nth(i);
        if (!(await rowBadges(row)).some((b) => b === '✓' || b === '!')) without.push((await row.innerText()).trim());
      }
      return without.length === 0 ? [] : undefined;
    }, undefined, 1_000);
    assert.deepEqual(missing, []);
    await saveScreenshot(page, 'many-files-3-badges-after-reload');
  });
});
