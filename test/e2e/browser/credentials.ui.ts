// Browser suite: credentials go only where the user sent them. A PAT is stored for organization A
// (the run's emulator); a cloned repository's settings name host B (a second emulator behind a
// proxy that logs every request's Authorization header). Opening it, activating the extension,
// showing the view and asking for a sync send B nothing; B gets B's own PAT only once the user
// connects to it; afterwards each workspace restores its own organization with its own PAT.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { answerInput, ensureConnected, showWorkItemsView, sideBarRow, statusBarItem } from '../lib/adoWorkbench';
import { call } from '../lib/harnessCall';
import { credentialOf, startHeaderLoggingProxy, type HeaderLoggingProxy } from '../lib/headerLog';
import { e2eSession } from '../lib/session';
import { clonedRepository, settledStatus } from '../lib/trustSteps';
import { saveScreenshot, showFolder } from '../lib/workbench';

const PAT_A = 'test-pat';
const PAT_B = 'pat-of-b';
const PROJECT = 'Demo';


describe('credentials per organization', function () {
  this.timeout(180_000);
  let emulatorB: RunningEmulator;
  let hostB: HeaderLoggingProxy;
  let orgB: string;
  let cloned: string;

  before(async function () {
    if (!e2eSession().emulatorUrl) this.skip();
    emulatorB = await startEmulator({ pats: [PAT_B] });
    hostB = await startHeaderLoggingProxy(emulatorB.baseUrl);
    orgB = `${hostB.url}${new URL(emulatorB.baseUrl).pathname}`;
    cloned = clonedRepository(orgB);
  });

  after(async () => {
    const { page, codeServer, workspace } = e2eSession();
    // Leave the run's window as the next suites expect it: on its workspace.
    await showFolder(page, codeServer.url, workspace).catch(() => undefined);
    await hostB?.close();
    await emulatorB?.close();
    if (cloned) rmSync(cloned, { recursive: true, force: true });
  });

  it('a workspace naming host B gets no credentials: open, activate, view and sync send B nothing', async () => {
    const { page, codeServer, emulatorUrl, resultsFile } = e2eSession();
    await ensureConnected(page, emulatorUrl ?? '', PROJECT, PAT_A);
    await showFolder(page, codeServer.url, cloned);
    // The repository's .ado-sync/state.sqlite activates the extension; the view does too.
    await showWorkItemsView(page);
    await statusBarItem(page, 'ADO:').waitFor({ state: 'visible', timeout: 15_000 });
    // A restore at activation has had its chance (it takes well under a second here).
    await page.waitForTimeout(3_000);
    assert.deepEqual(hostB.requests.filter((r) => r.authorization !== undefined).map((r) => `${r.method} ${r.path}`), [], 'host B received an Authorization header at activation');
    assert.equal(await settledStatus(page, resultsFile, 'consentNeeded'), 'consentNeeded');
    await sideBarRow(page, `Connect to ${new URL(orgB).host}…`).waitFor({ state: 'visible', timeout: 15_000 });
    await saveScreenshot(page, 'consent-connect-to-host-b');
    // What a user or a timer would run: a sync, a refresh, a connection test.
    for (const command of ['adoSync.syncAll', 'adoSync.refresh', 'adoSync.testConnection']) await call(page, resultsFile, { command });
    await page.waitForTimeout(2_000);
    const withCredentials = hostB.requests.filter((r) => r.authorization !== undefined);
    assert.deepEqual(withCredentials, [], 'host B received an Authorization header');
    assert.equal(hostB.requests.length, 0, `host B was contacted: ${hostB.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  });

  it('the user connects to B explicitly: only then B gets credentials, and only B\'s own', async () => {
    const { page, resultsFile } = e2eSession();
    await sideBarRow(page, `Connect to ${new URL(orgB).host}…`).click();
    await answerInput(page, orgB);
    await answerInput(page, PROJECT);
    await answerInput(page, PAT_B);
    await sideBarRow(page, 'Assigned to Me').waitFor({ state: 'visible', timeout: 20_000 });
    assert.ok(hostB.requests.length > 0, 'connecting reached B');
    const sent = new Set(hostB.requests.map((r) => credentialOf(r.authorization)));
    assert.deepEqual([...sent], [PAT_B], 'B received exactly its own PAT, never A\'s');
    const stored = (await call(page, resultsFile, { api: 'organizations' })) as { orgUrl: string; kind: string }[];
    assert.deepEqual(stored.map((o) => o.kind), ['pat', 'pat']);
    assert.ok(stored.some((o) => o.orgUrl === orgB.toLowerCase()), JSON.stringify(stored));
  });

  it('two workspaces on two emulators keep their own PATs across reopening', async () => {
    const { page, codeServer, workspace, resultsFile } = e2eSession();
    await showFolder(page, codeServer.url, workspace);
    assert.equal(await settledStatus(page, resultsFile, 'connected'), 'connected');
    assert.equal(await call(page, resultsFile, { command: 'adoSync.testConnection' }), true, 'A works with A\'s PAT');
    const seenBefore = hostB.requests.length;
    await showFolder(page, codeServer.url, cloned);
    assert.equal(await settledStatus(page, resultsFile, 'connected'), 'connected');
    assert.equal(await call(page, resultsFile, { command: 'adoSync.testConnection' }), true, 'B works with B\'s PAT');
    const again = hostB.requests.slice(seenBefore);
    assert.ok(again.length > 0);
    assert.deepEqual([...new Set(again.map((r) => credentialOf(r.authorization)))], [PAT_B]);
  });

  it('Manage Signed-In Organizations forgets B: B gets nothing more, A keeps its PAT', async () => {
    const { page, emulatorUrl, resultsFile } = e2eSession();
    const left = (await call(page, resultsFile, { command: 'adoSync.manageOrganizations', args: [{ forget: orgB }] })) as { orgUrl: string }[];
    assert.ok(!left.some((o) => o.orgUrl === orgB.toLowerCase()), 'B is forgotten');
    assert.ok(left.some((o) => o.orgUrl === (emulatorUrl ?? '').toLowerCase()), 'A is kept');
    assert.equal(await settledStatus(page, resultsFile, 'consentNeeded'), 'consentNeeded');
    const seen = hostB.requests.length;
    await call(page, resultsFile, { command: 'adoSync.syncAll' });
    await page.waitForTimeout(1_000);
    assert.equal(hostB.requests.length, seen, 'nothing was sent to B after it was forgotten');
  });
});
