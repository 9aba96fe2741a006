// Browser suite: first run. The Work Items view offers to connect (the welcome, or "Connect to
// <host>…" when the settings name an organization without stored credentials); Connect asks for
// URL, project and PAT; the tree then lists the seeded work items assigned to me. After Sign Out
// the view offers that organization again by name: its credentials are gone.
import * as assert from 'node:assert/strict';
import { answerInput, notConnectedAction, sideBarRow } from '../lib/adoWorkbench';
import { e2eSession } from '../lib/session';
import { runCommand, saveScreenshot, waitForNotification } from '../lib/workbench';

describe('first run', () => {
  it('the view offers Connect -> URL, project, PAT -> tree shows assigned work items; Sign Out offers the organization again', async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    await runCommand(page, 'Azure DevOps Attachments: Focus on Work Items View');
    const connect = await notConnectedAction(page, async () => false);
    assert.ok(connect);
    await saveScreenshot(page, 'welcome-not-connected');
    await connect.click();
    await answerInput(page, emulatorUrl ?? '');
    await answerInput(page, 'Demo');
    await answerInput(page, 'test-pat');
    const message = await waitForNotification(page, /Connected to Demo as/, 20_000);
    assert.match(message, /Connected to Demo/);
    const row = page.locator('.monaco-list-row', { hasText: 'Invoice totals round wrongly' });
    await row.first().waitFor({ state: 'visible', timeout: 15_000 });
    await saveScreenshot(page, 'tree-work-items');
    await runCommand(page, 'ADO Sync: Sign Out');
    await sideBarRow(page, `Connect to ${new URL(emulatorUrl ?? '').host}…`).waitFor({ state: 'visible', timeout: 15_000 });
  });
});
