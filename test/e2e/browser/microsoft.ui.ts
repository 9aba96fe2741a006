// Browser suite: Microsoft sign-in through the real extension. code-server has no `microsoft`
// authentication provider, so the harness registers one under that id (test/e2e/harness/
// testAuthProvider.ts) whose bearer tokens this suite's emulator accepts, one at a time (a
// refresh retires the old token). Connect (VS Code asks to allow the sign-in), token refresh,
// the backlog import with overwrite under the bearer token, restore after a reload, sign-out.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { generateBacklog } from '../../ardoq-emulator';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { call, startCall } from '../lib/harnessCall';
import { credentialOf, startHeaderLoggingProxy, type HeaderLoggingProxy } from '../lib/headerLog';
import { e2eSession } from '../lib/session';
import { settledStatus } from '../lib/trustSteps';
import { runCommand, saveScreenshot } from '../lib/workbench';

interface ImportSummary {
  status: string;
  created: number;
  deletionCount: number;
  totalItems: number;
  error?: string;
}

async function reloadWindow(page: Page): Promise<void> {
  await runCommand(page, 'Developer: Reload Window');
  await page.waitForTimeout(2_000);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

describe('Microsoft sign-in (test provider under the id "microsoft")', function () {
  this.timeout(240_000);
  let emulator: RunningEmulator;
  let host: HeaderLoggingProxy;
  let orgUrl: string;
  let folder: string;
  let acceptedToken = 'e2e-ms-token-1';
  /** Tokens of the requests that reached the emulator since index from. */
  const tokensSince = (from: number) => [...new Set(host.requests.slice(from).map((r) => credentialOf(r.authorization)))];

  before(async function () {
    if (!e2eSession().emulatorUrl) this.skip();
    // No PAT of this emulator is ever used: only the current bearer token gets in.
    emulator = await startEmulator({ pats: ['a-pat-nobody-has'], acceptBearer: (token) => token === acceptedToken });
    host = await startHeaderLoggingProxy(emulator.baseUrl);
    orgUrl = `${host.url}${new URL(emulator.baseUrl).pathname}`;
    folder = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-backlog-'));
  });

  after(async () => {
    const { page, emulatorUrl, resultsFile } = e2eSession();
    // The next suites expect the run's window on organization A.
    await call(page, resultsFile, { api: 'connect', args: [emulatorUrl, 'Demo', 'test-pat'] }).catch(() => undefined);
    await host?.close();
    await emulator?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('connects: VS Code asks to allow the sign-in, then every request carries the bearer token', async () => {
    const { page, resultsFile } = e2eSession();
    const pending = startCall(page, resultsFile, { api: 'connectWithMicrosoft', args: [orgUrl, 'Demo'] });
    // VS Code's own consent: "The extension ... wants to sign in using Microsoft (e2e)."
    const allow = page.getByRole('button', { name: 'Allow' }).first();
    await allow.waitFor({ state: 'visible', timeout: 15_000 });
    await saveScreenshot(page, 'microsoft-sign-in-consent');
    await allow.click();
    const { identity } = (await pending.result(30_000)) as { identity: string };
    assert.ok(identity.length > 0);
    assert.ok(host.requests.length > 0);
    assert.deepEqual(tokensSince(0), ['e2e-ms-token-1']);
    const stored = (await call(page, resultsFile, { api: 'organizations' })) as { orgUrl: string; kind: string }[];
    assert.equal(stored.find((o) => o.orgUrl === orgUrl.toLowerCase())?.kind, 'microsoft');
  });

  it('a token refresh reaches the next request without reconnecting', async () => {
    const { page, resultsFile } = e2eSession();
    acceptedToken = 'e2e-ms-token-2';
    assert.equal(await call(page, resultsFile, { harness: 'refreshMicrosoftToken' }), 'e2e-ms-token-2');
    const from = host.requests.length;
    assert.equal(await call(page, resultsFile, { command: 'adoSync.testConnection' }), true);
    assert.deepEqual(tokensSince(from), ['e2e-ms-token-2']);
  });

  it('imports a backlog under the bearer token, overwrite included (batch delete through the same client)', async () => {
    const { page, resultsFile } = e2eSession();
    const file = path.join(folder, 'backlog.json');
    writeFileSync(file, JSON.stringify(generateBacklog({ workspaceId: 'ws-microsoft', epics: 1, featuresPerEpic: 2, storiesPerFeature: 2 })));
    const from = host.requests.length;
    const first = (await call(page, resultsFile, { command: 'adoSync.importBacklog', args: [{ file }] }, 60_000)) as ImportSummary;
    assert.equal(first.status, 'completed', first.error);
    assert.equal(first.created, 7);
    const second = (await call(page, resultsFile, { command: 'adoSync.importBacklog', args: [{ file, overwrite: true }] }, 60_000)) as ImportSummary;
    assert.equal(second.status, 'completed', second.error);
    assert.equal(second.deletionCount, 7);
    assert.equal(second.created, 7);
    assert.ok((emulator.state.stats.routes['POST /_apis/wit/workitemsdelete']?.count ?? 0) >= 1, 'the batch delete ran');
    assert.deepEqual(tokensSince(from), ['e2e-ms-token-2']);
  });

  it('restores the sign-in silently after a window reload', async () => {
    const { page, resultsFile } = e2eSession();
    await reloadWindow(page);
    assert.equal(await settledStatus(page, resultsFile, 'connected'), 'connected');
    const from = host.requests.length;
    assert.equal(await call(page, resultsFile, { command: 'adoSync.testConnection' }), true);
    assert.deepEqual(tokensSince(from), ['e2e-ms-token-2']);
  });

  it('sign-out forgets the organization: after a reload nothing is sent to it', async () => {
    const { page, resultsFile } = e2eSession();
    await call(page, resultsFile, { api: 'signOut' });
    assert.equal(await call(page, resultsFile, { api: 'isConnected' }), false);
    const stored = (await call(page, resultsFile, { api: 'organizations' })) as { orgUrl: string }[];
    assert.ok(!stored.some((o) => o.orgUrl === orgUrl.toLowerCase()));
    const from = host.requests.length;
    await reloadWindow(page);
    assert.equal(await settledStatus(page, resultsFile, 'consentNeeded'), 'consentNeeded');
    await call(page, resultsFile, { command: 'adoSync.syncAll' });
    await page.waitForTimeout(1_000);
    assert.equal(host.requests.length, from, 'the signed-out organization was contacted');
  });
});
