// Steps of the ADO Sync browser suites on top of lib/workbench.ts: connect through the UI, find
// rows of the Work Items tree and the Explorer, use context menus, answer a QuickPick, read the
// status bar.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { clearFaults, workItemByTitle } from './emulatorAdmin';
import { e2eSession } from './session';
import { pollUntil } from './steps';
import { runCommand } from './workbench';

/** Types into the open input box / QuickPick and presses Enter. */
export async function answerInput(page: Page, value: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(value);
  await page.keyboard.press('Enter');
  // The next step replaces the box; wait for it to clear of our value.
  await page.waitForTimeout(300);
}

/**
 * Connects from the Work Items view's welcome button, answering URL, project and PAT, unless an
 * earlier suite left the window connected. (The palette helper waits for the palette to close,
 * but Connect replaces it with its own input at once, so the welcome button is used.)
 */
export async function ensureConnected(page: Page, emulatorUrl: string, project = 'Demo', pat = 'test-pat'): Promise<void> {
  await showWorkItemsView(page);
  const connected = sideBarRow(page, 'Assigned to Me');
  // The view re-renders while the extension activates (the button is replaced): find it again.
  const clicked = await pollUntil('Work Items view: Connect clicked, or the tree', 30_000, async () => {
    const connect = await notConnectedAction(page, () => connected.isVisible());
    if (!connect) return false;
    return connect.click({ timeout: 3_000 }).then(() => true, () => undefined);
  });
  if (!clicked) return;
  await answerInput(page, emulatorUrl);
  await answerInput(page, project);
  await answerInput(page, pat);
  // The tree, not a notification: an earlier suite's "Connected" toast may still be listed.
  await connected.waitFor({ state: 'visible', timeout: 20_000 });
}

/**
 * What the Work Items view offers while not connected: the welcome's Connect button, or the
 * "Connect to <host>…" row when the settings name an organization without stored credentials.
 * Undefined when connected() says the view shows the connected tree.
 */
export async function notConnectedAction(page: Page, connected: () => Promise<boolean>): Promise<Locator | undefined> {
  const welcome = page.locator('.welcome-view-content', { hasText: 'Not connected to Azure DevOps' });
  const row = sideBarRow(page, /^Connect to /);
  return pollUntil('Work Items view: Connect offered, or the tree', 15_000, async () => {
    if (await welcome.isVisible()) return welcome.getByRole('button', { name: 'Connect' });
    if (await row.isVisible()) return row;
    return (await connected()) ? null : undefined;
  }).then((found) => found ?? undefined);
}

export async function showWorkItemsView(page: Page): Promise<void> {
  await runCommand(page, 'Azure DevOps Attachments: Focus on Work Items View');
}

/** A row of the side bar's tree whose text contains text (first match). */
export function sideBarRow(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}

export async function waitForRow(page: Page, text: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
  const row = sideBarRow(page, text);
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  return row;
}

/** Expands a collapsed tree row (a no-op on an expanded one). */
export async function expandRow(row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
}

/**
 * Expands the parent row until a child row matching child shows. The tree reloads after a run,
 * which can swallow a click made just before: expanding is retried until the child is there.
 */
export async function waitForChildRow(page: Page, parent: string | RegExp, child: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
  const childRow = sideBarRow(page, child);
  await pollUntil(`tree row ${child} under ${parent}`, timeoutMs, async () => {
    if (await childRow.isVisible()) return true;
    const parentRow = sideBarRow(page, parent);
    if (await parentRow.isVisible()) await expandRow(parentRow).catch(() => undefined);
    return undefined;
  }, undefined, 500);
  return childRow;
}

/** Right-clicks a row and picks label in the context menu. */
export async function contextMenu(page: Page, row: Locator, label: string): Promise<void> {
  const menu = page.locator('.monaco-menu');
  const item = menu.locator('.action-item', { hasText: label }).first();
  await pollUntil(`context menu item "${label}"`, 10_000, async () => {
    if (!(await item.isVisible())) {
      // Escape only closes a stray menu: pressed in the Explorer it would clear a multi-selection.
      if (await menu.first().isVisible()) await page.keyboard.press('Escape');
      await row.click({ button: 'right' });
      await item.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
      // The workbench ignores a mouse-up that follows the menu's opening too closely.
      await page.waitForTimeout(300);
      return undefined;
    }
    await item.click();
    await menu.first().waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
    return (await menu.first().isVisible()) ? undefined : true;
  }, undefined, 100);
}

/**
 * Types into the QuickPick, then clicks the row whose label contains rowText until the QuickPick
 * closes (a click that lands while a search replaces the rows is lost).
 */
export async function pickQuickPickRow(page: Page, typed: string, rowText: string, timeoutMs = 15_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('input').waitFor({ state: 'visible', timeout: 10_000 });
  await widget.locator('input').fill(typed);
  const row = widget.locator('.monaco-list-row', { hasText: rowText }).first();
  await pollUntil(`QuickPick row "${rowText}" accepted`, timeoutMs, async () => {
    if (!(await widget.isVisible())) return true;
    if (!(await row.isVisible())) return undefined;
    await row.click({ timeout: 2_000 }).catch(() => undefined);
    await widget.waitFor({ state: 'hidden', timeout: 1_000 }).catch(() => undefined);
    return (await widget.isVisible()) ? undefined : true;
  }, undefined, 300);
}

export function statusBarItem(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
}

/**
 * Waits until the ADO status bar item has shown each pattern in turn (e.g. syncing, then synced)
 * and returns every distinct text it showed meanwhile.
 */
export async function statusBarSequence(page: Page, expected: readonly RegExp[], timeoutMs = 30_000): Promise<string[]> {
  const seen: string[] = [];
  let next = 0;
  await pollUntil(`status bar ${expected.join(' then ')}`, timeoutMs, async () => {
    const text = (await statusBarItem(page, 'ADO:').innerText().catch(() => '')).trim();
    if (text && seen[seen.length - 1] !== text) seen.push(text);
    if (next < expected.length && expected[next].test(text)) next += 1;
    return next === expected.length ? true : undefined;
  }, () => `seen: ${seen.join(' -> ')}`, 50);
  return seen;
}

/**
 * Runs a palette command that opens its own QuickPick or input at once (runCommand waits for the
 * palette to close, which such commands never let it do): F1, the title, Enter.
 */
export async function startCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const labels = page.locator('.quick-input-widget .monaco-list-row .label-name');
  const focused = page.locator('.quick-input-widget .monaco-list-row.focused .label-name');
  await pollUntil(`palette focuses "${title}"`, 20_000, async () => {
    if (!(await input.isVisible())) {
      await page.keyboard.press('F1');
      return undefined;
    }
    await input.fill(`>${title}`, { timeout: 2_000 }).catch(() => undefined);
    const texts = (await labels.allInnerTexts()).map((text) => text.trim());
    // Similar titles (Track / Untrack) may rank first: move down to the exact one.
    for (let step = 0; step < texts.length; step++) {
      if ((await focused.innerText({ timeout: 1_000 }).catch(() => '')).trim() === title) return true;
      await page.keyboard.press('ArrowDown');
    }
    return undefined;
  }, undefined, 500);
  await page.keyboard.press('Enter');
}

/** Texts the workbench paints after a row's elements (file decoration badges are CSS ::after content). */
export async function rowBadges(row: Locator): Promise<string[]> {
  return row.evaluate((element) =>
    [element, ...Array.from(element.querySelectorAll('*'))]
      .map((node) => getComputedStyle(node, '::after').content)
      .filter((content) => content && content !== 'none' && content !== 'normal')
      .map((content) => content.replace(/^"|"$/g, '')),
  );
}

/** A row of the Explorer, refreshing the Explorer while it lags behind a large write. */
export async function explorerRow(page: Page, name: string): Promise<Locator> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await pollUntil(`Explorer shows ${name}`, 15_000, async () => {
    if (await row.isVisible()) return true;
    // The file watcher may lag behind a large write: the Explorer's own Refresh button.
    await page.locator('.part.sidebar .action-label[aria-label^="Refresh Explorer"]').first().click({ timeout: 1_000 }).catch(() => undefined);
    return undefined;
  }, undefined, 1_000);
  return row;
}

/** Runs work with these settings in the workspace's .vscode/settings.json, then puts the file back as it was. */
export async function withWorkspaceSettings<T>(workspace: string, values: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const before = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
  const settings = before ? (JSON.parse(before) as Record<string, unknown>) : {};
  mkdirSync(path.dirname(settingsFile), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ ...settings, ...values }, null, 2));
  try {
    return await work();
  } finally {
    if (before === undefined) rmSync(settingsFile, { force: true });
    else writeFileSync(settingsFile, before);
  }
}

/**
 * Mocha hooks of a suite that needs the emulator: before, connect and look up the work items of
 * these titles (their ids fill the returned array, in order); after, clear faults and sign out.
 */
export function connectedToEmulator(titles: readonly string[]): number[] {
  const ids: number[] = [];
  before(async function () {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    for (const title of titles) ids.push((await workItemByTitle(emulatorUrl ?? '', title)).id);
    await ensureConnected(page, emulatorUrl ?? '');
  });
  after(async () => {
    const { page, emulatorUrl } = e2eSession();
    if (!emulatorUrl) return;
    await clearFaults(emulatorUrl);
    await runCommand(page, 'ADO Sync: Sign Out');
  });
  return ids;
}
