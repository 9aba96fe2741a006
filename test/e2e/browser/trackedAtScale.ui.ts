// Browser suite: more tracked work items than one page of the tree (issue 19). The Tracked group
// stopped at 200 with no hint, so items 201 and later could not be reached; it now says how many
// there are and ends with "Load N more…", which shows the rest.
import * as assert from 'node:assert/strict';
import { connectedToEmulator, showWorkItemsView, sideBarRow, waitForRow } from '../lib/adoWorkbench';
import { createWorkItem } from '../lib/emulatorAdmin';
import { call } from '../lib/harnessCall';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { saveScreenshot } from '../lib/workbench';

const EXTRA = 210;

describe('more tracked work items than a page of the tree (workbench)', function () {
  this.timeout(180_000);
  let ids: number[] = [];
  // Registered first, so that it runs before the sign-out: later suites expect the seeded tree.
  after(async () => {
    const { page, resultsFile } = e2eSession();
    if (ids.length > 0) await call(page, resultsFile, { api: 'untrack', args: [ids] }, 60_000);
  });
  connectedToEmulator([]);

  it('the Tracked group says how many it has and ends with "Load N more…", which brings the rest', async () => {
    const { page, emulatorUrl, resultsFile } = e2eSession();
    const url = emulatorUrl ?? '';
    ids = [];
    for (let i = 1; i <= EXTRA; i++) ids.push(await createWorkItem(url, `Scale item ${String(i).padStart(3, '0')}`));
    await call(page, resultsFile, { api: 'track', args: [ids] }, 90_000);
    const tracked = ((await call(page, resultsFile, { api: 'tracked' })) as number[]).length;
    assert.ok(tracked > 200, `${tracked} tracked`);
    await showWorkItemsView(page);
    const group = await waitForRow(page, new RegExp(`^Tracked\\s*${tracked.toLocaleString('en-US')} work items`), 30_000);
    // By keyboard, as the rows past the first screen are not rendered: the tree's last row is in
    // "Assigned to Me"; Left, Left collapses that group; the row above it is the Tracked group's last.
    const focused = page.locator('.part.sidebar .monaco-list-row.focused');
    // A click focuses the tree (and toggles the group): Home and Right make sure it is expanded.
    await group.click();
    await pollUntil('"Load … more…" focused at the end of the Tracked group', 20_000, async () => {
      await page.keyboard.press('Home');
      if ((await group.getAttribute('aria-expanded')) === 'false') await page.keyboard.press('ArrowRight');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowUp');
      return /Load \d+ more…/.test(await focused.innerText().catch(() => '')) ? true : undefined;
    }, undefined, 500);
    const more = sideBarRow(page, /Load \d+ more…/);
    assert.match(await more.innerText(), new RegExp(`Load ${tracked - 200} more…\\s*200 of ${tracked} shown`));
    await saveScreenshot(page, 'tracked-at-scale-1-load-more');
    await more.click();
    // The rest arrives: the row above the (collapsed) Assigned to Me group is a work item now.
    await pollUntil('the last tracked work item after Load more', 30_000, async () => {
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowUp');
      return /^\d+ Scale item/.test((await focused.innerText().catch(() => '')).trim()) ? true : undefined;
    }, undefined, 500);
    assert.equal(await sideBarRow(page, /Load \d+ more…/).count(), 0);
    // Expand Assigned to Me again for the suites after this one.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    await saveScreenshot(page, 'tracked-at-scale-2-all');
  });
});
