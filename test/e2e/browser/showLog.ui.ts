// Browser suite: what a person sees in the workbench.
import * as assert from 'node:assert/strict';
import { e2eSession } from '../lib/session';
import { outputPanelText, runCommand, saveScreenshot, waitForOutput } from '../lib/workbench';

describe('workbench', () => {
  it('"ADO Sync: Show Log" from the command palette shows the log with the activation line', async () => {
    const { page } = e2eSession();
    // The extension-host suite may have shown the log already: start from a closed panel.
    await runCommand(page, 'View: Hide Panel');
    assert.equal(await outputPanelText(page), '', 'the panel is still showing');
    await runCommand(page, 'ADO Sync: Show Log');
    const text = await waitForOutput(page, /Azure DevOps Attachment Sync \d+\.\d+\.\d+ activated/);
    assert.match(text, /\[info\]/);
    await saveScreenshot(page, 'show-log');
  });
});
