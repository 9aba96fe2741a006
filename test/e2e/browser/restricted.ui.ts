// Browser suite: Restricted Mode, on a second code-server with workspace trust on (the run's
// own has it off). A PAT is stored for organization A from a trusted (empty) window; then a
// cloned repository whose settings name host B opens untrusted: the extension stays active in
// its limited mode, the view says why it does not connect, and no command sends B anything.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { RESULTS_ENV } from '../exthost/protocol';
import { codeServerDirs, startCodeServer, type CodeServer } from '../lib/codeServer';
import { loadE2eEnv } from '../lib/e2eEnv';
import { installUnpacked } from '../lib/extensionInstall';
import { installHarness } from '../lib/harness';
import { call } from '../lib/harnessCall';
import { startHeaderLoggingProxy, type HeaderLoggingProxy } from '../lib/headerLog';
import { REPO_ROOT } from '../lib/paths';
import { e2eSession } from '../lib/session';
import { clonedRepository, settledStatus } from '../lib/trustSteps';
import { showWorkItemsView } from '../lib/adoWorkbench';
import { saveScreenshot, showFolder } from '../lib/workbench';

describe('Restricted Mode', function () {
  this.timeout(240_000);
  let emulatorB: RunningEmulator;
  let hostB: HeaderLoggingProxy;
  let server: CodeServer;
  let page: Page;
  let root: string;
  let cloned: string;
  let resultsFile: string;

  before(async function () {
    const { browser, emulatorUrl } = e2eSession();
    if (!emulatorUrl) this.skip();
    emulatorB = await startEmulator({ pats: ['pat-of-b'] });
    hostB = await startHeaderLoggingProxy(emulatorB.baseUrl);
    cloned = clonedRepository(`${hostB.url}${new URL(emulatorB.baseUrl).pathname}`);
    root = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-trust-'));
    const { extensionsDir } = codeServerDirs(root);
    installUnpacked(REPO_ROOT, extensionsDir);
    await installHarness(extensionsDir);
    resultsFile = path.join(root, 'results.json');
    const neutral = path.join(root, 'neutral');
    mkdirSync(neutral);
    server = await startCodeServer({ env: loadE2eEnv(), rootDir: root, workspace: neutral, workspaceTrust: true, extraEnv: { [RESULTS_ENV]: resultsFile } });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(10_000);
  });

  after(async () => {
    await page?.close().catch(() => undefined);
    await server?.stop();
    await hostB?.close();
    await emulatorB?.close();
    for (const dir of [cloned, root]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a trusted (empty) window stores a PAT for organization A', async () => {
    const { emulatorUrl } = e2eSession();
    await showFolder(page, server.url, undefined);
    const { identity } = (await call(page, resultsFile, { api: 'connect', args: [emulatorUrl, 'Demo', 'test-pat'] })) as { identity: string };
    assert.ok(identity.length > 0);
  });

  it('an untrusted workspace naming host B: the extension does not connect, and B receives nothing', async () => {
    await showFolder(page, server.url, cloned);
    assert.equal(await settledStatus(page, resultsFile, 'restricted'), 'restricted');
    await showWorkItemsView(page);
    await page.locator('.welcome-view-content', { hasText: 'Restricted Mode' }).waitFor({ state: 'visible', timeout: 15_000 });
    await saveScreenshot(page, 'restricted-mode-view');
    for (const command of ['adoSync.syncAll', 'adoSync.refresh', 'adoSync.testConnection', 'adoSync.connect']) await call(page, resultsFile, { command });
    await page.waitForTimeout(2_000);
    assert.deepEqual(hostB.requests.filter((r) => r.authorization !== undefined), [], 'host B received an Authorization header');
    assert.equal(hostB.requests.length, 0, 'host B was contacted');
    assert.equal(await call(page, resultsFile, { api: 'isConnected' }), false);
  });
});
