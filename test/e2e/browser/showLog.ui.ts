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
    // The Output view follows the end of a log; the activation line is the first: go to the top.
    await waitForOutput(page, /\[info\]/);
    // Top-left: the timestamp of the first line, never one of the log's links (a click would open it).
    await page.locator('.part.panel .monaco-editor .view-lines').first().click({ position: { x: 4, y: 4 } });
    await page.keyboard.press('Control+Home');
    const text = await waitForOutput(page, /Azure DevOps Attachment Sync \d+\.\d+\.\d+ activated/);
    assert.match(text, /\[info\]/);
    await saveScreenshot(page, 'show-log');
  });
});
