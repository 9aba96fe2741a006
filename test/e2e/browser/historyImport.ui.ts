// Browser suite: "Import Backlog from Ardoq..." driven with the keyboard against the Ardoq
// emulator (started here, on loopback) and the ADO emulator: source, URL, workspace, token (into
// SecretStorage), overwrite, dry run; the closing notification opens the history, which lists the
// import with its per-type counters; overwrite asks modally with the exact count; Cancel on the
// progress notification ends the run as cancelled.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { generateBacklog, startArdoqEmulator, type RunningArdoqEmulator } from '../../ardoq-emulator';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { ensureConnected } from '../lib/adoWorkbench';
import { findWebviewFrame, runCommand, saveScreenshot, visibleDialogText, waitForNotification } from '../lib/workbench';

const TOKEN = 'ardoq-e2e-token';
const WORKSPACE = 'ui-ws';
const ITEMS = 9; // 1 epic, 2 features, 6 user stories
const CANCEL_WORKSPACE = 'ui-ws-cancel';

const SOURCE_PROMPT = 'Import Backlog from Ardoq: source';

/** The title of the open QuickPick / InputBox ('' for the command palette, which has none). */
async function promptTitle(page: Page): Promise<string> {
  const widget = page.locator('.quick-input-widget');
  // A closing widget is still visible for its animation, but inert.
  if (!(await widget.isVisible()) || (await widget.evaluate((el) => el.closest('[inert]') !== null))) return '';
  return (await widget.locator('.quick-input-title').innerText({ timeout: 1_000 }).catch(() => '')).trim();
}

/**
 * Waits for the prompt titled title (the same input element serves every prompt, so filling it
 * before the next prompt shows would answer the previous one), types value and presses Enter.
 * A modal dialog in the way fails the step with what it says.
 */
async function answer(page: Page, title: string, value: string): Promise<void> {
  await pollUntil(`the prompt "${title}"`, 15_000, async () => {
    const dialog = await visibleDialogText(page);
    if (dialog) throw new Error(`waiting for the prompt "${title}", a modal dialog is open instead: ${dialog}`);
    return (await promptTitle(page)).startsWith(title) ? true : undefined;
  });
  await page.locator('.quick-input-widget input').fill(value);
  // A QuickPick filters as we type: wait for the list to follow before Enter.
  await page.waitForTimeout(250);
  await page.keyboard.press('Enter');
}

/**
 * Starts the import from the palette and waits for its first prompt. Retries while focus was
 * elsewhere (a webview, a closing widget); a dialog that opens instead is reported if it persists.
 */
async function startImport(page: Page): Promise<void> {
  const title = 'ADO Sync: Import Backlog from Ardoq...';
  const input = page.locator('.quick-input-widget input');
  let lastDialog: string | undefined;
  await pollUntil(`palette runs "${title}"`, 30_000, async () => {
    try {
      lastDialog = (await visibleDialogText(page)) ?? lastDialog;
      await page.keyboard.press('Escape');
      if (!(await input.isVisible())) await page.keyboard.press('F1');
      await input.fill(`>${title}`, { timeout: 2_000 });
      const row = page.locator('.quick-input-widget .monaco-list-row.focused .label-name', { hasText: title });
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      await page.keyboard.press('Enter');
      await pollUntil('the source prompt', 3_000, async () => ((await promptTitle(page)) === SOURCE_PROMPT ? true : undefined));
      return true;
    } catch {
      return undefined;
    }
  }, () => (lastDialog ? `a modal dialog said: ${lastDialog}` : ''), 500);
}

/** Runs the command and answers its prompts: Ardoq API source, workspace, token, overwrite, no dry run. */
async function importFromArdoq(page: Page, ardoqUrl: string, o: { workspace: string; token: 'new' | 'saved'; overwrite: boolean }): Promise<void> {
  await startImport(page);
  // Focus going elsewhere (a click, a view updating) must not cancel an import half answered.
  // (A real mouse click into the editor area, whatever shows there: an editor or a webview.)
  const box = await page.locator('.part.editor').boundingBox() ?? assert.fail('no editor area');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await answer(page, SOURCE_PROMPT, 'Ardoq API');
  await answer(page, 'Ardoq organization URL', ardoqUrl);
  await answer(page, 'Ardoq workspace id', o.workspace);
  await answer(page, 'Ardoq organization label', '');
  if (o.token === 'new') await answer(page, 'Ardoq API token', TOKEN);
  else await answer(page, 'Ardoq API token', 'Use the saved Ardoq token');
  await answer(page, 'Overwrite earlier imports of this source?', o.overwrite ? 'Yes: delete' : 'No: add new items');
  await answer(page, 'Dry run?', 'No: import now');
}

/** Connects from the Work Items view unless the reload restored the connection; false when it was connected already. */
async function connect(page: Page, emulatorUrl: string): Promise<boolean> {
  const status = page.locator('.part.statusbar .statusbar-item', { hasText: /ADO:/ }).first();
  // After a window reload the saved connection is restored in the background: give it a moment.
  const restored = await pollUntil('a restored connection', 8_000, async () => (/not connected/.test(await status.innerText()) ? undefined : true)).catch(() => false);
  if (restored) return false;
  await ensureConnected(page, emulatorUrl);
  return true;
}

async function adoFaults(emulatorUrl: string, method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const res = await fetch(`${new URL(emulatorUrl).origin}/_emulator/faults`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.ok(res.ok, `emulator faults ${method}: ${res.status}`);
}

describe('workbench: Import Backlog from Ardoq', function () {
  this.timeout(90_000);
  let ardoq: RunningArdoqEmulator | undefined;
  let connectedHere = false;

  before(async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    const backlog = (workspaceId: string) => generateBacklog({ workspaceId, epics: 1, featuresPerEpic: 2, storiesPerFeature: 3 });
    ardoq = await startArdoqEmulator({ token: TOKEN, workspaces: { [WORKSPACE]: backlog(WORKSPACE), [CANCEL_WORKSPACE]: backlog(CANCEL_WORKSPACE) }, pageSize: 4 });
    connectedHere = await connect(page, emulatorUrl ?? '');
  });
  after(async () => {
    await ardoq?.close();
    const { page, emulatorUrl } = e2eSession();
    if (emulatorUrl) await adoFaults(emulatorUrl, 'DELETE').catch(() => undefined);
    // Leave the connection as the next suites expect it (they start signed out).
    if (connectedHere) await runCommand(page, 'ADO Sync: Sign Out');
  });

  it('imports from the Ardoq API with the token entered once; the notification opens the history with the per-type counters', async () => {
    const { page } = e2eSession();
    await importFromArdoq(page, ardoq!.url, { workspace: WORKSPACE, token: 'new', overwrite: false });
    const text = await waitForNotification(page, new RegExp(`Backlog import finished: ${ITEMS} items into Demo`), 30_000);
    assert.match(text, /epics 1 created; features 2 created; user stories 6 created/);
    assert.ok(ardoq!.requests.every((r) => r.status === 200), 'Ardoq refused a request');
    await saveScreenshot(page, 'import-backlog-finished');
    await page.locator('.notification-list-item', { hasText: 'Backlog import finished' }).getByRole('button', { name: 'Show Sync History' }).click();
    const frame = await findWebviewFrame(page, 'table[aria-label="Sync runs"] tbody tr', 20_000);
    const row = frame.locator('table[aria-label="Sync runs"] tbody tr', { has: frame.locator('td:text-is("backlog import")') }).first();
    await row.locator('button').press('Enter');
    await frame.locator('section.detail h2', { hasText: 'backlog import' }).waitFor();
    const counters = frame.locator('section.detail dl.counters');
    const dl = (await counters.innerText()).replace(/\s+/g, ' ');
    assert.match(dl, /Epics created 1 .*Features created 2 .*User stories created 6 .*Deleted \(overwrite\) 0/);
  });

  it('overwrite asks modally, naming how many work items of this source it deletes, then deletes and imports', async () => {
    const { page } = e2eSession();
    await importFromArdoq(page, ardoq!.url, { workspace: WORKSPACE, token: 'saved', overwrite: true });
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    const detail = await dialog.innerText();
    assert.match(detail, new RegExp(`Overwrite deletes ${ITEMS} work items in Demo that earlier imports of source ${WORKSPACE} created`));
    assert.match(detail, /Work items without that tag are not touched/);
    await saveScreenshot(page, 'import-backlog-overwrite-confirm');
    await dialog.getByRole('button', { name: 'Delete and Import' }).click();
    // The summary, not the progress notification that says the same count while the run goes on.
    const text = await waitForNotification(page, new RegExp(`Backlog import finished[\\s\\S]*${ITEMS} earlier work items deleted`), 30_000);
    assert.match(text, /Backlog import finished/);
  });

  it('Cancel on the progress notification ends the run as cancelled, and history says so', async () => {
    const { page, emulatorUrl } = e2eSession();
    // Slow work item creation so that the run is still going when Cancel is pressed.
    await adoFaults(emulatorUrl ?? '', 'POST', { rules: [{ route: '_apis/wit/workitems/(\\$|%24)', method: 'POST', rate: 1, kinds: ['delay'], delayMs: 700 }] });
    await importFromArdoq(page, ardoq!.url, { workspace: CANCEL_WORKSPACE, token: 'saved', overwrite: false });
    const progress = page.locator('.notification-list-item', { hasText: 'Importing backlog into Demo' });
    await progress.waitFor({ state: 'visible', timeout: 20_000 });
    await pollUntil('an item done', 15_000, async () => (/\d+\/\d+ ·/.test(await progress.innerText()) ? true : undefined));
    // The open history view shows the run in progress with a live bar, from events (no reload).
    const live = await findWebviewFrame(page, 'tbody tr progress', 10_000);
    const bar = live.locator('tbody tr', { has: live.locator('td:text-is("backlog import")') }).locator('progress').first();
    await pollUntil('the live bar moves', 10_000, async () => ((await bar.evaluate((b) => (b as HTMLProgressElement).value)) > 0 ? true : undefined));
    await saveScreenshot(page, 'import-backlog-live-progress');
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await waitForNotification(page, /Backlog import cancelled/, 30_000);
    await adoFaults(emulatorUrl ?? '', 'DELETE');
    const frame = await findWebviewFrame(page, 'table[aria-label="Sync runs"] tbody tr', 20_000);
    await pollUntil('the cancelled import in the history', 15_000, async () =>
      ((await frame.locator('tbody tr', { has: frame.locator('td:text-is("backlog import")') }).filter({ hasText: 'cancelled' }).count()) > 0 ? true : undefined));
    await saveScreenshot(page, 'import-backlog-cancelled-history');
  });
});
