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

const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(__dirname, '../..');
const THEMES = {
  light: { cls: 'vscode-light', vars: '--vscode-foreground:#3b3b3b;--vscode-editor-background:#ffffff;--vscode-errorForeground:#a1260d;--vscode-charts-green:#388a34;--vscode-charts-red:#e51400;--vscode-focusBorder:#005fb8;--vscode-button-background:#005fb8;--vscode-button-foreground:#fff;--vscode-input-background:#fff;--vscode-input-foreground:#3b3b3b' },
  dark: { cls: 'vscode-dark', vars: '--vscode-foreground:#cccccc;--vscode-editor-background:#1f1f1f;--vscode-errorForeground:#f85149;--vscode-charts-green:#89d185;--vscode-charts-red:#f14c4c;--vscode-focusBorder:#0078d4;--vscode-button-background:#0078d4;--vscode-button-foreground:#fff;--vscode-input-background:#313131;--vscode-input-foreground:#cccccc' },
} as const;

const shim = `(() => { let st; window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__hostPost(JSON.stringify(m)),
  getState: () => st, setState: (s) => { st = s; window.__lastState = s; } }); })();`;

describe('history webview in Chromium', function () {
  let dir: string; let store: SyncStore; let server: http.Server; let browser: Browser; let page: Page; let base: string;

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
      store.history.increment(run.id, i === 5 ? { itemsFailed: 1 } : { uploaded: 1 });
      store.history.update(run.id, { status: i === 5 ? 'failed' : 'completed' });
    }
    server = http.createServer((req, res) => {
      const themeName = new URL(req.url ?? '/', 'http://x').searchParams.get('theme') === 'dark' ? 'dark' : 'light';
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
    for (const theme of ['light', 'dark'] as const) {
      await open(theme);
      assert.equal(await page.locator('table[aria-label="Sync runs"] tbody tr').count(), 25);
      assert.match(await page.locator('.total').innerText(), /Page 1 · 30 runs/);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForFunction(() => document.querySelector('.total')?.textContent?.startsWith('Page 2'));
      assert.equal(await page.locator('table[aria-label="Sync runs"] tbody tr').count(), 5);
      await page.selectOption('select[aria-label="Status"]', 'failed');
      await page.waitForFunction(() => document.querySelector('.total')?.textContent?.includes('· 1 runs'));
      await page.selectOption('select[aria-label="Status"]', '');
      await page.waitForFunction(() => document.querySelector('.total')?.textContent?.includes('· 30 runs'));
      await page.locator('tbody tr[data-run-id="1"]').press('Enter');
      const file = page.locator('section.detail td.file').first();
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
    await page.evaluate((id) => window.postMessage({ type: 'live', live: { event: 'itemProgress', runId: id, bytes: 40, total: 100 } }, '*'), live.id);
    await page.waitForFunction((id) => (document.querySelector(`tr[data-run-id="${id}"] progress`) as HTMLProgressElement | null)?.value === 40, live.id);
    assert.equal(await bar.getAttribute('aria-label'), `Run ${live.id} progress`);
    await page.close();
  });
});
