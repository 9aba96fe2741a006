// Building blocks for driving the code-server workbench with playwright-core and Debian's
// chromium: open a folder, run a palette command, read notifications and the output panel,
// find a webview's frame, take screenshots. Later suites (tree, Explorer menu, status bar,
// history webview) use these.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { onCleanup } from './cleanup';
import { ARTIFACTS_DIR } from './paths';
import { pollUntil } from './steps';

/** Without the networking flags chromium keeps dialling hosts this machine cannot reach. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(executablePath: string): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 60_000,
    // lib/cleanup.ts owns the signals and closes the browser with everything else.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup('close chromium', () => browser.close());
  return browser;
}

/** Opens the workbench on folder and waits until it has rendered. */
export async function openWorkbench(browser: Browser, serverUrl: string, folder: string, timeoutMs = 60_000): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Playwright's 30 s default would outlast a mocha test: fail single actions sooner, with their own message.
  page.setDefaultTimeout(10_000);
  await showFolder(page, serverUrl, folder, timeoutMs);
  return page;
}

/**
 * Opens folder (or a .code-workspace file) in the page's window (a new extension host), or an
 * empty window when folder is undefined, and waits until the workbench has rendered.
 */
export async function showFolder(page: Page, serverUrl: string, folder: string | undefined, timeoutMs = 60_000): Promise<void> {
  const query = folder === undefined ? 'ew=true' : `${folder.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(folder)}`;
  await page.goto(`${serverUrl}/?${query}`, { timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  // The status bar is among the last parts to render; after it, keyboard focus is usable.
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

async function openCommandPalette(page: Page): Promise<boolean> {
  await page.keyboard.press('F1');
  try {
    await quickInput(page).waitFor({ state: 'visible', timeout: 2_000 });
    return true;
  } catch {
    return false;
  }
}

/** The focused row of the palette is the one whose label is exactly title (moves down to it). */
async function focusRow(page: Page, title: string): Promise<boolean> {
  const rows = quickInput(page).locator('.monaco-list-row');
  const count = await rows.count();
  for (let step = 0; step < count; step++) {
    const label = await quickInput(page).locator('.monaco-list-row.focused .label-name').first().innerText({ timeout: 1_000 });
    if (label.trim() === title) return true;
    await page.keyboard.press('ArrowDown');
  }
  return false;
}

/**
 * Runs a command from the palette by its full title, e.g. "ADO Sync: Show Log", with the keyboard
 * only (a mouse click can land on whatever the closing palette uncovers). Retries until the row
 * shows: extension commands are listed only once the extension host has registered the
 * extensions, a while after the workbench renders.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 20_000): Promise<void> {
  const row = quickInput(page).locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: title }) }).first();
  await pollUntil(`command palette runs "${title}"`, timeoutMs, async () => {
    if (!(await quickInput(page).isVisible()) && !(await openCommandPalette(page))) {
      // Keyboard focus was outside the workbench's key handling: give it to the editor area.
      await page.locator('.part.editor').click({ position: { x: 20, y: 20 }, timeout: 2_000 }).catch(() => undefined);
      return undefined;
    }
    try {
      await quickInput(page).locator('input').fill(`>${title}`, { timeout: 2_000 });
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      if (!(await focusRow(page, title))) throw new Error(`no row labelled exactly "${title}"`);
      await page.keyboard.press('Enter');
      await quickInput(page).waitFor({ state: 'hidden', timeout: 2_000 });
      return true;
    } catch {
      await page.keyboard.press('Escape');
      return undefined;
    }
  }, undefined, 500);
}

/** The text of a modal dialog the workbench shows (it makes everything else inert), if any. */
export async function visibleDialogText(page: Page): Promise<string | undefined> {
  const dialog = page.locator('.monaco-dialog-box');
  if (!(await dialog.isVisible().catch(() => false))) return undefined;
  return (await dialog.innerText({ timeout: 1_000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
}

export async function notificationTexts(page: Page): Promise<string[]> {
  return page.locator('.notification-list-item-message').allInnerTexts();
}

export async function waitForNotification(page: Page, expected: RegExp, timeoutMs = 15_000): Promise<string> {
  return pollUntil(`notification ${expected}`, timeoutMs, async () => (await notificationTexts(page)).find((text) => expected.test(text)));
}

/** Text of the editor in the panel (the Output view when it is showing), rendered lines only. */
export async function outputPanelText(page: Page): Promise<string> {
  const lines = page.locator('.part.panel .monaco-editor .view-lines');
  // Monaco renders spaces as no-break spaces.
  return (await lines.count()) > 0 ? (await lines.first().innerText()).replace(/\u00a0/g, ' ') : '';
}

export async function waitForOutput(page: Page, expected: RegExp, timeoutMs = 15_000): Promise<string> {
  return pollUntil(`output panel ${expected}`, timeoutMs, async () => {
    const text = await outputPanelText(page);
    return expected.test(text) ? text : undefined;
  }, undefined, 300);
}

/** A view's header in the side bar or panel, e.g. viewHeader(page, 'WORK ITEMS'). */
export function viewHeader(page: Page, name: string): Locator {
  return page.locator('.pane-header', { hasText: name });
}

/** Webviews render in nested iframes: returns the frame whose document has selector. */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs = 15_000): Promise<Frame> {
  return pollUntil(`webview frame with ${selector}`, timeoutMs, async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        // A frame detached while we looked.
      }
    }
    return undefined;
  });
}

/** Saves a PNG under test-results/e2e/ (kept as a CI artifact) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}
