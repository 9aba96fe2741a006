// The demo's promise, checked in the demo's own VS Code by `npm run demo -- --exit-when-ready`
// (which CI runs before `npm test`): the Work Items view offers Connect, Connect opens with the
// emulator's URL and the project already filled in, and the README's PAT connects.
import type { Page } from 'playwright-core';
import { notConnectedAction } from './lib/adoWorkbench';
import { pollUntil } from './lib/steps';
import { launchBrowser, openWorkbench, runCommand, saveScreenshot, waitForNotification } from './lib/workbench';

export interface DemoConnectCheck {
  chromium: string;
  serverUrl: string;
  workspace: string;
  orgUrl: string;
  project: string;
  pat: string;
}

export class DemoCheckError extends Error {
  override name = 'DemoCheckError';
}

/** Waits until the Connect box holds expected; fails with what it held instead. */
async function expectPrompt(page: Page, what: string, expected: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  let seen = '';
  try {
    await pollUntil(`Connect's ${what} box`, 10_000, async () => {
      seen = await input.inputValue();
      return seen === expected ? true : undefined;
    });
  } catch {
    throw new DemoCheckError(`Connect's ${what} box held "${seen}", expected "${expected}" (prefilled from the demo workspace's settings)`);
  }
}

export async function checkDemoConnect(check: DemoConnectCheck): Promise<void> {
  const browser = await launchBrowser(check.chromium);
  const page = await openWorkbench(browser, check.serverUrl, check.workspace);
  try {
    await runCommand(page, 'Azure DevOps Attachments: Focus on Work Items View');
    // The demo's settings name the emulator, for which nothing is stored yet: the view offers
    // "Connect to <host>…" (or, before settings are read, the welcome's Connect).
    const connect = await notConnectedAction(page, async () => false);
    if (!connect) throw new DemoCheckError('the Work Items view offers no Connect');
    await connect.click();

    await expectPrompt(page, 'URL', check.orgUrl);
    await page.keyboard.press('Enter');
    await expectPrompt(page, 'project', check.project);
    await page.keyboard.press('Enter');
    // The token box is its own step: wait for it, or a loaded machine fills the project box still on screen.
    const tokenBox = page.locator('.quick-input-widget input[type="password"]');
    await tokenBox.waitFor({ state: 'visible', timeout: 10_000 });
    await tokenBox.fill(check.pat);
    await page.keyboard.press('Enter');
    await waitForNotification(page, new RegExp(`Connected to ${check.project} as`), 20_000);
  } catch (error) {
    await saveScreenshot(page, 'demo-connect-failed').catch(() => undefined);
    throw error;
  } finally {
    await browser.close();
  }
}
