// Browser suite: Azure DevOps stops answering in the middle of an upload (issue 19). The progress
// notification must say so ("no answer…", "connection lost, retrying in N s") instead of freezing
// on its last percent, and the upload must complete once the server answers again.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectedToEmulator, contextMenu, explorerRow, pickQuickPickRow, withWorkspaceSettings } from '../lib/adoWorkbench';
import { attachmentsOf, clearFaults, setFaults, sha256Of } from '../lib/emulatorAdmin';
import { call } from '../lib/harnessCall';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { notificationTexts, runCommand, saveScreenshot, waitForNotification } from '../lib/workbench';

const STORY = 'Download an invoice as PDF';

describe('a server that stops answering mid-upload (workbench)', function () {
  this.timeout(180_000);
  const ids = connectedToEmulator([STORY]);

  it('the notification says "connection lost, retrying" instead of freezing; the upload completes when the server answers again', async () => {
    const { page, workspace, emulatorUrl, resultsFile } = e2eSession();
    const url = emulatorUrl ?? '';
    const file = path.join(workspace, 'lost-connection.bin');
    const bytes = Buffer.alloc(16 * 1024 * 1024, 7);
    bytes.write(`lost connection ${Date.now()}`);
    writeFileSync(file, bytes);
    // A 3 s request timeout (60 s by default) and room for retries keep the test short; a new
    // connection builds its client with them.
    await withWorkspaceSettings(workspace, { 'adoSync.requestTimeoutMs': 3_000, 'adoSync.uploadMaxRetries': 8 }, async () => {
      await page.waitForTimeout(1_500);
      await call(page, resultsFile, { api: 'connect', args: [url, 'Demo', 'test-pat'] });
      await runCommand(page, 'View: Show Explorer');
      const row = await explorerRow(page, 'lost-connection.bin');
      await row.click();
      // Chunks go slowly first, so that the upload is under way when the server stops answering.
      await setFaults(url, [{ route: '/_apis/wit/attachments', method: 'PUT', rate: 1, kinds: ['delay'], delayMs: 1_500 }]);
      try {
        await contextMenu(page, row, 'Attach Files to Work Item...');
        await pickQuickPickRow(page, String(ids[0]), `${ids[0]} ${STORY}`);
        await waitForNotification(page, /Attaching "lost-connection\.bin"[\s\S]*\d+% of 16 MB/, 30_000);
        // The server stops answering: every chunk now hangs (far longer than the request timeout).
        await setFaults(url, [{ route: '/_apis/wit/attachments', method: 'PUT', rate: 1, kinds: ['delay'], delayMs: 300_000 }]);
        const lost = await pollUntil('the notification says the connection is lost', 60_000, async () =>
          (await notificationTexts(page)).find((text) => /lost-connection\.bin[\s\S]*connection lost/.test(text)), undefined, 100);
        await saveScreenshot(page, 'connection-lost-1-retrying');
        assert.match(lost, /\d+% · connection lost, retrying( in \d+ s \(retry \d+ of 8\)| \(try \d+\)…)/);
        // The server answers again; Retry Now (the status bar's click while a retry waits) goes at once.
        await clearFaults(url);
        await runCommand(page, 'ADO Sync: Retry Now (Azure DevOps Did Not Answer)');
        await waitForNotification(page, new RegExp(`Attach to work item ${ids[0]}: 1 uploaded`), 60_000);
        await saveScreenshot(page, 'connection-lost-2-recovered');
      } finally {
        await clearFaults(url);
      }
    });
    const linked = (await attachmentsOf(url, ids[0])).find((entry) => entry.name === 'lost-connection.bin');
    assert.equal(linked?.attachment?.sha256, sha256Of(file));
    // Back to the default timeout for the suites after this one.
    await call(page, resultsFile, { api: 'connect', args: [url, 'Demo', 'test-pat'] });
  });
});
