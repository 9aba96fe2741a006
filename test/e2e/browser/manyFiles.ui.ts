// Browser suite: 300 files attached to one work item (issue 19). ADO takes 100 attachments per
// work item, so 200 are refused: the notification counts the failures by reason instead of
// concatenating 200 errors, offers no Retry (a retry would be refused the same way), and Show
// Details opens that run in Sync History.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../../../src/core/sync/engineApi';
import { connectedToEmulator } from '../lib/adoWorkbench';
import { attachmentsOf } from '../lib/emulatorAdmin';
import { startCall } from '../lib/harnessCall';
import { e2eSession } from '../lib/session';
import { findWebviewFrame, saveScreenshot, waitForNotification } from '../lib/workbench';

/** A new work item through the REST API (no attachments yet), as a colleague would create it. */
async function createTask(emulatorUrl: string, title: string): Promise<number> {
  const response = await fetch(`${emulatorUrl}/Demo/_apis/wit/workitems/$Task?api-version=7.1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json-patch+json', Authorization: `Basic ${Buffer.from(':test-pat').toString('base64')}` },
    body: JSON.stringify([{ op: 'add', path: '/fields/System.Title', value: title }]),
  });
  if (!response.ok) throw new Error(`creating "${title}": ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

describe('300 files to one work item (workbench)', function () {
  this.timeout(240_000);
  connectedToEmulator([]);

  it('the failure notification counts by reason, offers no Retry for refused files, and Show Details opens the run', async () => {
    const { page, workspace, emulatorUrl, resultsFile } = e2eSession();
    const url = emulatorUrl ?? '';
    const id = await createTask(url, 'Scans of the archive (300 files)');
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
    await saveScreenshot(page, 'many-files-2-details');
  });
});
