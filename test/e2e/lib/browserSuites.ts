// Runs the browser suites (test/e2e/browser/*.ui.ts) with mocha in the runner's process; they
// drive the workbench of the current E2eSession. A failed test leaves a screenshot.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { collectResults, type SuiteResults } from './results';
import { E2E_DIR } from './paths';
import { e2eSession } from './session';
import { saveScreenshot, visibleDialogText } from './workbench';

export const BROWSER_SUITE_DIR = path.join(E2E_DIR, 'browser');

export async function runBrowserSuites(): Promise<SuiteResults> {
  // E2E_GREP runs only the browser tests whose full title matches (while working on a suite).
  const grep = process.env.E2E_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: Mocha.reporters.Base, ...(grep ? { grep } : {}) });
  for (const file of readdirSync(BROWSER_SUITE_DIR).filter((name) => name.endsWith('.ui.ts')).sort()) {
    mocha.addFile(path.join(BROWSER_SUITE_DIR, file));
  }
  mocha.suite.afterEach(async function screenshotOnFailure(this: Mocha.Context) {
    const test = this.currentTest;
    if (test?.state !== 'failed') return;
    const { page } = e2eSession();
    await saveScreenshot(page, `failed-${test.fullTitle()}`).catch(() => undefined);
    // CI keeps only the printed output: say what a modal dialog (which blocks every input) said.
    const dialog = await visibleDialogText(page).catch(() => undefined);
    if (dialog) console.log(`  (after "${test.title}" failed, a modal dialog was open: ${dialog})`);
  });
  await mocha.loadFilesAsync();
  const tests = await collectResults(mocha.run());
  return { tests, metrics: {} };
}
