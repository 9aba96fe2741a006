// Browser suite: the Sync History webview in the real workbench, over the runs the
// extension-host suite recorded (a sync with one failed item, a backlog import): one panel,
// the runs with their counters, a run's detail by keyboard, the status bar item, and the panel
// restored with its filter after a reload (serializer).
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { findWebviewFrame, runCommand, saveScreenshot } from '../lib/workbench';

const RUNS = 'table[aria-label="Sync runs"]';

async function openHistory(page: Page): Promise<Frame> {
  await runCommand(page, 'ADO Sync: Show Sync History');
  const frame = await findWebviewFrame(page, `${RUNS} tbody tr`, 20_000);
  await frame.locator('.total').waitFor();
  return frame;
}

/** The table's cells of each row, by column header, plus the run id; read in one go (the view re-renders). */
async function rows(frame: Frame): Promise<Record<string, string>[]> {
  return frame.evaluate((selector) => {
    const table = document.querySelector(selector);
    if (!table) return [];
    const head = [...table.querySelectorAll('thead th')].map((th) => (th.textContent ?? '').replace(/\s+/g, ' ').trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim());
      return { ...Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ''])), id: tr.getAttribute('data-run-id') ?? '' };
    });
  }, RUNS);
}

function historyTabs(page: Page) {
  return page.locator('.tabs-container .tab', { hasText: 'Sync History' });
}

describe('workbench: Sync History', function () {
  this.timeout(60_000);

  it('"ADO Sync: Show Sync History" opens one panel listing the runs with their counters; reopening reveals it', async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    const frame = await openHistory(page);
    await pollUntil('the e2e runs in the table', 15_000, async () => ((await rows(frame)).length >= 2 ? true : undefined));
    const all = await rows(frame);
    const imported = all.find((r) => r.Kind === 'backlog import' && r.Created === '7');
    assert.ok(imported, `no backlog import with 7 created in ${JSON.stringify(all)}`);
    assert.deepEqual([imported.Uploaded, imported.Failed, imported.Deleted], ['–', '0', '0']);
    // The extension-host suite's attach to #1: one file uploaded, one missing.
    const attach = all.find((r) => r.Kind === 'attachment sync' && r.Trigger === 'attach' && r.Scope === '#1' && r.Uploaded === '1' && r.Failed === '1');
    assert.ok(attach, `no attach run to #1 with 1 uploaded and 1 failed in ${JSON.stringify(all)}`);
    // Stored as failed (seed 002's statuses), worded for people: one of two files went up.
    assert.match(attach.Status, /^completed with 1 failure$/);
    assert.match(await frame.locator('.total').innerText(), /Page 1 · (1 run|\d+ runs)$/);
    await runCommand(page, 'ADO Sync: Show Sync History');
    await page.waitForTimeout(500);
    assert.equal(await historyTabs(page).count(), 1, 'the panel was duplicated');
    await saveScreenshot(page, 'sync-history');
  });

  it('opens the failed run by keyboard: the item with its error and code, Copy Error, Retry Failed Items', async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    const frame = await openHistory(page);
    const run = (await rows(frame)).find((r) => r.Trigger === 'attach' && r.Scope === '#1' && r.Uploaded === '1' && r.Failed === '1');
    assert.ok(run, 'the attach run with a missing file is not listed');
    await frame.locator(`${RUNS} tbody tr[data-run-id="${run.id}"] button`).focus();
    await page.keyboard.press('Enter');
    const detail = frame.locator('section.detail');
    await detail.locator('td.error').first().waitFor();
    const errors = (await detail.locator('td.error').allInnerTexts()).filter(Boolean);
    assert.ok(errors.some((e) => /^FileNotFound: File not found: .*not-there\.pdf$/.test(e)), errors.join(" | "));
    assert.ok(await detail.getByRole('button', { name: 'Retry Failed Items' }).isVisible());
    await detail.getByRole('button', { name: /^Copy the error of/ }).first().focus();
    await page.keyboard.press('Enter');
    await frame.locator('.message', { hasText: 'Error copied to the clipboard.' }).waitFor();
    await saveScreenshot(page, 'sync-history-detail');
  });

  it('the status bar item names the state and, connected, opens the history', async function () {
    const { page } = e2eSession();
    const item = page.locator('.part.statusbar .statusbar-item', { hasText: /ADO:/ }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    const text = await item.innerText();
    assert.match(text, /ADO: (not connected|synced|\d+ failed|offline|syncing \d+\/\d+)/);
    if (/not connected/.test(text)) return;
    await item.click();
    await findWebviewFrame(page, RUNS);
  });

  it('after a reload the panel comes back with its filter (serializer)', async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    const frame = await openHistory(page);
    await frame.selectOption('select[aria-label="Kind"]', 'backlog_import');
    const only = (list: Record<string, string>[]): boolean => list.length > 0 && list.every((r) => r.Kind === 'backlog import');
    await pollUntil('the filter applied', 10_000, async () => (only(await rows(frame)) ? true : undefined));
    // The view state reaches the workbench on setState; give it a beat before reloading.
    await page.waitForTimeout(1_000);
    // The workbench's own reload: it saves the webview state the view set (a browser reload may not).
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForTimeout(2_000);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    const restored = await findWebviewFrame(page, `${RUNS} tbody tr`, 45_000);
    await pollUntil('the restored filter', 15_000, async () =>
      ((await restored.locator('select[aria-label="Kind"]').inputValue()) === 'backlog_import' ? true : undefined));
    await pollUntil('the restored rows', 10_000, async () => (only(await rows(restored)) ? true : undefined));
    await saveScreenshot(page, 'sync-history-restored');
  });
});
