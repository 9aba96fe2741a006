// Browser suite: first run. The Work Items view shows the "not connected" welcome; Connect
// asks for URL, project and PAT; the tree then lists the seeded work items assigned to me.
import * as assert from 'node:assert/strict';
import { answerInput } from '../lib/adoWorkbench';
import { e2eSession } from '../lib/session';
import { runCommand, saveScreenshot, waitForNotification } from '../lib/workbench';

describe('first run', () => {
  it('welcome view -> Connect (URL, project, PAT) -> tree shows assigned work items', async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    await runCommand(page, 'Azure DevOps Attachments: Focus on Work Items View');
    const welcome = page.locator('.welcome-view-content', { hasText: 'Not connected to Azure DevOps' });
    await welcome.waitFor({ state: 'visible', timeout: 15_000 });
    await saveScreenshot(page, 'welcome-not-connected');
    await welcome.getByRole('button', { name: 'Connect' }).click();
    await answerInput(page, emulatorUrl ?? '');
    await answerInput(page, 'Demo');
    await answerInput(page, 'test-pat');
    const message = await waitForNotification(page, /Connected to Demo as/, 20_000);
    assert.match(message, /Connected to Demo/);
    const row = page.locator('.monaco-list-row', { hasText: 'Invoice totals round wrongly' });
    await row.first().waitFor({ state: 'visible', timeout: 15_000 });
    await saveScreenshot(page, 'tree-work-items');
    await runCommand(page, 'ADO Sync: Sign Out');
    await welcome.waitFor({ state: 'visible', timeout: 15_000 });
  });
});
