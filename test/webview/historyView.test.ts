// The webview bundle in headless Chromium, served by a stand-in host (loopback http) whose
// acquireVsCodeApi shim relays messages to the real controller on a real store.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openStore, type SyncStore } from '../../src/core/store';
import { HistoryController } from '../../src/core/history/historyController';
import { historyHtml } from '../../src/core/history/historyHtml';
import type { HostToView, ViewToHost } from '../../src/shared/historyProtocol';
import { storeBacklogHistory } from '../../src/core/backlog';

/** A backlog import recorded the way the importer records it (storeBacklogHistory). */
async function seedBacklogRun(store: SyncStore): Promise<number> {
  const h = storeBacklogHistory(store);
  const id = await h.start({ sourceType: 'file', sourceConfigId: 'ws', targetType: 'azure_devops', targetConfigId: 'http://ado/Demo', projectName: 'Demo',
    overwriteMode: true, totalItems: 4, startedAt: new Date(Date.now() - 90 * 60_000), origin: { userAgent: 'test' } });
  await h.markInProgress(id);
  await h.addDeletions(id, 3);
  await h.recordItem(id, { ardoqId: 'e1', itemName: 'Billing', itemType: 'epic', status: 'created', azureDevopsId: 501, azureDevopsUrl: 'http://ado/Demo/_workitems/edit/501' });
  await h.recordItem(id, { ardoqId: 'f1', itemName: 'Invoices', itemType: 'feature', status: 'created', azureDevopsId: 502 });
  await h.recordItem(id, { ardoqId: 'f2', itemName: 'Refunds', itemType: 'feature', status: 'failed', errorMessage: 'TF401320: rule error' });
  await h.recordItem(id, { ardoqId: 's1', itemName: 'Pay by card', itemType: 'user_story', status: 'created', azureDevopsId: 503 });
  await h.finish(id, { status: 'completed', completedAt: new Date(), durationMs: 1200, details: {} }, { userAgent: 'test' });
  return id;
}

const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(__dirname, '../..');
const THEMES = {
  light: { cls: 'vscode-light', vars: '--vscode-foreground:#3b3b3b;--vscode-editor-background:#ffffff;--vscode-errorForeground:#a1260d;--vscode-charts-green:#388a34;--vscode-charts-red:#e51400;--vscode-focusBorder:#005fb8;--vscode-button-background:#005fb8;--vscode-button-foreground:#fff;--vscode-input-background:#fff;--vscode-input-foreground:#3b3b3b' },
  dark: { cls: 'vscode-dark', vars: '--vscode-foreground:#cccccc;--vscode-editor-background:#1f1f1f;--vscode-errorForeground:#f85149;--vscode-charts-green:#89d185;--vscode-charts-red:#f14c4c;--vscode-focusBorder:#0078d4;--vscode-button-background:#0078d4;--vscode-button-foreground:#fff;--vscode-input-background:#313131;--vscode-input-foreground:#cccccc' },
  hc: { cls: 'vscode-high-contrast', vars: '--vscode-foreground:#ffffff;--vscode-editor-background:#000000;--vscode-errorForeground:#f48771;--vscode-charts-green:#89d185;--vscode-charts-red:#f48771;--vscode-charts-purple:#b180d7;--vscode-focusBorder:#f38518;--vscode-contrastBorder:#6fc3df;--vscode-contrastActiveBorder:#f38518;--vscode-button-background:#000000;--vscode-button-foreground:#fff;--vscode-input-background:#000000;--vscode-input-foreground:#ffffff;--vscode-textLink-foreground:#21a6ff' },
} as const;

const shim = `(() => { let st; window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__hostPost(JSON.stringify(m)),
  getState: () => st, setState: (s) => { st = s; window.__lastState = s; } }); })();`;

describe('history webview in Chromium', function () {
  this.timeout(60_000);
  let dir: string; let store: SyncStore; let server: http.Server; let browser: Browser; let page: Page; let base: string; let backlogRunId: number;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing under CI`);
      console.log(`  skipped: ${CHROMIUM} not installed`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hist-ui-'));
    await build({ entryPoints: [path.join(root, 'src/webview/main.ts')], bundle: true, format: 'iife', outfile: path.join(dir, 'main.js'), logLevel: 'silent' });
    store = await openStore({ path: path.join(dir, 'state.sqlite') });
    for (let i = 0; i < 30; i++) {
      const run = store.history.create({ trigger: i % 2 ? 'poll' : 'manual', workItemId: 10 + i, startedAt: new Date(Date.now() - i * 60_000).toISOString() });
      store.history.addItems(run.id, [{ itemName: i === 0 ? '<img src=x onerror=alert(1)>' : `doc-${i}.pdf`, status: i === 5 ? 'failed' : 'uploaded', errorMessage: i === 5 ? 'TF401019 no access' : null }]);
      store.history.increment(run.id, i === 5 ? { itemsFailed: 1 } : { uploaded: 1, bytesTransferred: 2048 * (i + 1) });
      store.history.update(run.id, { status: i === 5 ? 'failed' : 'completed' });
    }
    backlogRunId = await seedBacklogRun(store);
    server = http.createServer((req, res) => {
      const asked = new URL(req.url ?? '/', 'http://x').searchParams.get('theme') ?? 'light';
      const themeName: keyof typeof THEMES = asked in THEMES ? (asked as keyof typeof THEMES) : 'light';
      const theme = THEMES[themeName];
      if (req.url?.startsWith('/main.js')) { res.setHeader('content-type', 'text/javascript'); res.end(fs.readFileSync(path.join(dir, 'main.js'))); return; }
      if (req.url?.startsWith('/history.css')) { res.setHeader('content-type', 'text/css'); res.end(fs.readFileSync(path.join(root, 'media/history.css'))); return; }
      if (req.url?.startsWith('/theme.css')) { res.setHeader('content-type', 'text/css'); res.end(`:root{${theme.vars}}`); return; }
      const html = historyHtml({ cspSource: base, scriptUri: `${base}/main.js`, styleUri: `${base}/history.css`, codiconUri: `${base}/theme.css?theme=${themeName}`, preludeScript: `${shim}document.body.className='${theme.cls}';` });
      res.setHeader('content-type', 'text/html'); res.end(html);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(theme: keyof typeof THEMES): Promise<void> {
    page = await browser.newPage();
    const ctl = new HistoryController(store, { retryFailedItems: async () => 1 }, { openWorkItem: async () => true, revealFile: async () => true, copyText: async () => true });
    page.on('dialog', () => assert.fail('a dialog opened: a hostile name was executed'));
    await page.exposeFunction('__hostPost', async (raw: string) => {
      const m = JSON.parse(raw) as ViewToHost;
      if (m.type !== 'request') return;
      let reply: HostToView;
      try { reply = { type: 'response', id: m.id, ok: true, result: await ctl.handle(m.request) }; } catch (e) { reply = { type: 'response', id: m.id, ok: false, error: String(e) }; }
      await page.evaluate((r) => window.postMessage(r, '*'), reply);
    });
    await page.goto(`${base}/?theme=${theme}`);
    await page.waitForSelector('table[aria-label="Sync runs"] tbody tr');
  }

  it('renders, pages, filters, escapes hostile names, updates live; screenshots in light and dark', async () => {
    for (const theme of ['light', 'dark', 'hc'] as const) {
      await open(theme);
      assert.equal(await page.locator('table[aria-label="Sync runs"] tbody tr').count(), 25);
      assert.match(await page.locator('.total').innerText(), /Page 1 · 31 runs/);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForFunction(() => document.querySelector('.total')?.textContent?.startsWith('Page 2'));
      assert.equal(await page.locator('table[aria-label="Sync runs"] tbody tr').count(), 6);
      await page.selectOption('select[aria-label="Status"]', 'failed');
      await page.waitForFunction(() => /· 1 run$/.test(document.querySelector('.total')?.textContent?.trim() ?? ''));
      await page.selectOption('select[aria-label="Status"]', '');
      await page.waitForFunction(() => document.querySelector('.total')?.textContent?.includes('· 31 runs'));
      await page.locator('tbody tr[data-run-id="1"] button').press('Enter');
      const file = page.locator('section.detail .file').first();
      await file.waitFor();
      assert.equal(await file.innerText(), '<img src=x onerror=alert(1)>');
      assert.equal(await page.locator('section.detail img').count(), 0);
      fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
      await page.screenshot({ path: path.join(root, 'test-results', `history-${theme}.png`), fullPage: true });
      await page.close();
    }
  });

  it('shows live progress from engine events without re-querying', async () => {
    await open('dark');
    const live = store.history.create({ trigger: 'manual', workItemId: 99 });
    await page.evaluate((run) => window.postMessage({ type: 'live', live: { event: 'runStarted', run } }, '*'), live);
    const bar = page.locator(`tr[data-run-id="${live.id}"] progress`);
    await bar.waitFor();
    await page.evaluate((id) => window.postMessage({ type: 'live', live: { event: 'itemProgress', runId: id, done: 4, total: 10 } }, '*'), live.id);
    await page.waitForFunction((id) => (document.querySelector(`tr[data-run-id="${id}"] progress`) as HTMLProgressElement | null)?.value === 4, live.id);
    assert.equal(await bar.getAttribute('aria-valuetext'), '4 of 10 items');
    assert.equal(await bar.getAttribute('aria-label'), `Run ${live.id} progress`);
    await page.close();
  });

  it('shows a backlog import with its per-type counters and deletion_count, without a retry button', async () => {
    await open('light');
    await page.selectOption('select[aria-label="Kind"]', 'backlog_import');
    await page.waitForFunction(() => /· 1 run$/.test(document.querySelector('.total')?.textContent?.trim() ?? ''));
    const row = page.locator(`tbody tr[data-run-id="${backlogRunId}"]`);
    const cells = await row.locator('td').allInnerTexts();
    // Kind, Trigger, Scope, Status, Uploaded, Linked, Downloaded, Skipped, Created, Failed, Deleted, Duration
    assert.deepEqual(cells.slice(0, 2), ['backlog import', 'import']);
    assert.deepEqual(cells.slice(4, 11), ['–', '–', '–', '–', '3', '1', '3']);
    await row.locator('button').press('Enter');
    const detail = page.locator('section.detail');
    await detail.locator('dl.counters').waitFor();
    const dl = await detail.locator('dl.counters').innerText();
    for (const line of ['Epics created\n1', 'Features created\n1', 'Features failed\n1', 'User stories created\n1', 'Deleted (overwrite)\n3']) assert.ok(dl.includes(line), `${line} in ${dl}`);
    assert.equal(await detail.getByRole('button', { name: 'Retry Failed Items' }).count(), 0);
    assert.match(await detail.locator('td.error').allInnerTexts().then((t) => t.join(' ')), /TF401320: rule error/);
    assert.ok(await detail.getByRole('button', { name: 'Open work item #501' }).isVisible());
    fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', 'history-backlog-import.png'), fullPage: true });
    await page.close();
  });

  it('keyboard only: tabs with arrow keys, Tab reaches a run, Enter opens it, focus is visible, actions are buttons', async () => {
    await open('hc');
    const runs = page.getByRole('tab', { name: 'Runs' });
    await runs.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.activeElement?.id === 'tab-audit' && !!document.querySelector('#panel-audit'));
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.activeElement?.id === 'tab-runs' && !!document.querySelector('#panel-runs'));
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.key?.startsWith('run-') ?? false);
    }
    assert.ok(reached, 'Tab never reached a run');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is not visible');
    await page.keyboard.press('Enter');
    await page.locator('section.detail h2').waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H2', undefined, { timeout: 5_000 });
    const failedRun = page.locator('tbody tr', { has: page.locator('td.status-failed') }).first().locator('button');
    await failedRun.focus();
    await page.keyboard.press('Enter');
    const retry = page.getByRole('button', { name: 'Retry Failed Items' });
    await retry.waitFor();
    await retry.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.message')?.textContent?.startsWith('Retrying 1 failed item'));
    const copy = page.getByRole('button', { name: /^Copy the error of/ }).first();
    await copy.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.message')?.textContent === 'Error copied to the clipboard.');
    await page.screenshot({ path: path.join(root, 'test-results', 'history-keyboard-hc.png'), fullPage: true });
    await page.close();
  });

  it('the chart stacks runs by status and draws bytes moved, with a legend in words and a data table', async () => {
    await open('dark');
    await page.locator('svg.chart rect.bar-bytes').first().waitFor();
    const titles = await page.locator('svg.chart rect.bar-bytes title').allTextContents();
    assert.ok(titles.some((t) => / moved$/.test(t)), titles.join());
    assert.ok(await page.locator('svg.chart rect.bar-completed').count() > 0);
    assert.deepEqual(await page.locator('ul.legend li').allInnerTexts(), ['pending', 'in progress', 'completed', 'failed', 'cancelled', 'bytes moved']);
    await page.locator('figure.chart-figure summary').press('Enter');
    const today = new Date().toISOString().slice(0, 10);
    const todayRow = page.locator('table[aria-label="Runs and bytes per day"] tbody tr', { has: page.locator(`th:text-is("${today}")`) });
    assert.ok(await todayRow.count() >= 1 || (await page.locator('table[aria-label="Runs and bytes per day"] tbody tr').count()) >= 1);
    await page.close();
  });
});
