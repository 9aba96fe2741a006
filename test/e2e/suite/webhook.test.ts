// Extension-host suite: the extension's webhook receiver in the real VS Code against the emulator.
// Configured through its settings and commands (basic auth, password into SecretStorage) on a
// free loopback port, registered as the emulator's service hook; a colleague's attachment then
// arrives in the mirror folder by itself, long before the (hour-long) poll, recorded in the
// history with trigger "webhook". Wrong credentials get 401 and count as rejected; unregister
// removes the subscriptions; stop closes the port.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InboundServiceState, RegisterResult, WebhookSubscriptionView } from '../../../src/core/webhook';
import { Commands } from '../../../src/shared/ids';
import { recordMetric } from '../exthost/metrics';
import { EMULATOR_URL_ENV } from '../exthost/protocol';
import { addColleagueAttachment, attachmentsOf, sha256Of, workItemByTitle } from '../lib/emulatorAdmin';
import { freePort } from '../lib/freePort';
import { pollUntil } from '../lib/steps';
import { adoSyncApi, workspaceRoot } from '../exthost/workspace';

const MIRROR = '.ado-attachments';
const HOOK_PATH = '/api/webhooks/workitem';
const USERNAME = 'ado-hooks';

function mirrorFile(workItemId: number, name: string): string {
  return path.join(workspaceRoot(), MIRROR, String(workItemId), name);
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('adoSync').update(key, value, vscode.ConfigurationTarget.Workspace);
}

async function receiverState(): Promise<InboundServiceState> {
  // Start on a running receiver answers with its state (and says so in a message).
  const state = await vscode.commands.executeCommand<InboundServiceState | undefined>(Commands.startWebhookReceiver);
  assert.ok(state?.receiver, 'the webhook receiver is not running');
  return state;
}

async function historyTotal(trigger: 'webhook' | 'poll'): Promise<number> {
  return (await (await adoSyncApi()).history({ trigger }, 50)).total;
}

describe('webhook receiver', function () {
  this.timeout(60_000);
  const emulatorUrl = process.env[EMULATOR_URL_ENV] ?? '';
  const password = randomBytes(12).toString('hex');
  let workItemId = 0;
  let publicUrl = '';

  before(async function () {
    if (!emulatorUrl) this.skip();
    await (await adoSyncApi()).connect(emulatorUrl, 'Demo', 'test-pat');
    // An hour: anything that arrives during this suite came through the webhook.
    await setting('pollIntervalSeconds', 3600);
    workItemId = (await workItemByTitle(emulatorUrl, 'Delete my account')).id;
    assert.equal(await vscode.commands.executeCommand(Commands.trackWorkItem, workItemId), workItemId);
  });

  after(async () => {
    if (!emulatorUrl) return;
    await vscode.commands.executeCommand(Commands.stopWebhookReceiver);
    for (const key of ['webhook.enabled', 'webhook.port', 'webhook.auth', 'webhook.username', 'webhook.publicUrl', 'pollIntervalSeconds']) await setting(key, undefined);
    await (await adoSyncApi()).untrack([workItemId]);
    await (await adoSyncApi()).signOut();
  });

  it('listens on a loopback port with basic auth set through the settings and Set Webhook Credentials', async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}${HOOK_PATH}`;
    await setting('webhook.port', port);
    await setting('webhook.auth', 'basic');
    await setting('webhook.publicUrl', publicUrl);
    assert.equal(await vscode.commands.executeCommand(Commands.setWebhookCredentials, { username: USERNAME, password }), true);
    assert.equal(vscode.workspace.getConfiguration('adoSync.webhook').get('username'), USERNAME);
    const state = await vscode.commands.executeCommand<InboundServiceState | undefined>(Commands.startWebhookReceiver);
    assert.equal(state?.receiver?.listening, true, JSON.stringify(state));
    assert.equal(state?.receiver?.url, publicUrl);
    assert.equal(vscode.workspace.getConfiguration('adoSync.webhook').get('enabled'), true);
    // The password went to SecretStorage, not to any setting.
    assert.doesNotMatch(JSON.stringify(vscode.workspace.getConfiguration('adoSync')), new RegExp(password));
  });

  it('registers workitem.created and workitem.updated subscriptions with the emulator for the public URL', async () => {
    const result = await vscode.commands.executeCommand<RegisterResult | undefined>(Commands.registerWebhook);
    assert.ok(result, 'Register Webhook Subscriptions returned nothing');
    assert.deepEqual([...result.created, ...result.existing].map((s) => s.eventType).sort(), ['workitem.created', 'workitem.updated']);
    const listed = await vscode.commands.executeCommand<WebhookSubscriptionView[] | undefined>(Commands.listWebhooks);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.deepEqual(listed?.map((s) => `${s.eventType} ${s.url} ${s.status}`).sort(), [
      `workitem.created ${publicUrl} enabled`, `workitem.updated ${publicUrl} enabled`,
    ]);
  });

  it('a colleague\'s attachment arrives in the mirror folder by itself, before the poll, as a "webhook" run', async () => {
    const polls = await historyTotal('poll');
    const webhookRuns = await historyTotal('webhook');
    const content = `added in Azure DevOps ${Date.now()}\n`;
    const started = Date.now();
    await addColleagueAttachment(emulatorUrl, workItemId, 'hooked.txt', content);
    const local = mirrorFile(workItemId, 'hooked.txt');
    await pollUntil('the attachment in the mirror folder', 20_000, () => (existsSync(local) ? true : undefined));
    recordMetric('webhook: colleague attachment to mirror file (ms)', Date.now() - started);
    const remote = (await attachmentsOf(emulatorUrl, workItemId)).find((r) => r.name === 'hooked.txt');
    assert.equal(sha256Of(local), remote?.attachment?.sha256, 'the local file differs from ADO');
    const run = await pollUntil('a completed webhook run in the history', 10_000, async () => {
      const page = await (await adoSyncApi()).history({ trigger: 'webhook' }, 50);
      const completed = page.rows.find((r) => r.status === 'completed');
      return page.total > webhookRuns && completed ? completed : undefined;
    });
    assert.equal(run.trigger, 'webhook');
    assert.equal(await historyTotal('poll'), polls, 'a poll ran during the test');
    const state = await receiverState();
    assert.ok((state.receiver?.accepted ?? 0) >= 1, JSON.stringify(state.receiver));
    assert.ok(state.receiver?.lastEventAt, 'no last event in the state');
  });

  it('a request with wrong credentials gets 401 and counts as rejected', async () => {
    const before = (await receiverState()).receiver?.rejections.unauthorized ?? 0;
    const body = JSON.stringify({ id: `forged-${Date.now()}`, eventType: 'workitem.updated', resource: { workItemId } });
    const wrong = await fetch(publicUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${USERNAME}:not-the-password`).toString('base64')}` } });
    assert.equal(wrong.status, 401);
    const none = await fetch(publicUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(none.status, 401);
    const after = await receiverState();
    assert.equal(after.receiver?.rejections.unauthorized, before + 2, JSON.stringify(after.receiver));
    assert.ok((after.receiver?.rejected ?? 0) >= 2);
  });

  it('Unregister removes our subscriptions from the service', async () => {
    const removed = await vscode.commands.executeCommand<string[] | undefined>(Commands.unregisterWebhooks);
    assert.equal(removed?.length, 2, JSON.stringify(removed));
    const listed = await vscode.commands.executeCommand<WebhookSubscriptionView[] | undefined>(Commands.listWebhooks);
    assert.deepEqual(listed, []);
  });

  it('while the receiver runs, the background poll goes through the same coordinator (so it never overlaps webhook runs)', async () => {
    // No subscriptions any more: only the poll can bring this file.
    const queued = (await receiverState()).runs.completed;
    const polls = await historyTotal('poll');
    await addColleagueAttachment(emulatorUrl, workItemId, 'polled.txt', `polled ${Date.now()}\n`);
    await setting('pollIntervalSeconds', 2);
    try {
      await pollUntil('the polled attachment in the mirror folder', 20_000, () => (existsSync(mirrorFile(workItemId, 'polled.txt')) ? true : undefined));
    } finally {
      await setting('pollIntervalSeconds', 3600);
    }
    const state = await pollUntil('the poll run seen by the receiver\'s service', 10_000, async () => {
      const current = await receiverState();
      return current.runs.completed > queued ? current : undefined;
    });
    assert.ok(state.runs.completed > queued, JSON.stringify(state.runs));
    assert.ok((await historyTotal('poll')) > polls, 'no poll run in the history');
  });

  it('a changed port restarts the receiver there; sign-out stops it and connecting again starts it', async () => {
    const refusedAt = async (url: string): Promise<number> => (await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status;
    const port = await freePort();
    const moved = `http://127.0.0.1:${port}${HOOK_PATH}`;
    await setting('webhook.port', port);
    await pollUntil('the receiver on the new port', 10_000, async () => ((await refusedAt(moved).catch(() => 0)) === 401 ? true : undefined));
    await assert.rejects(refusedAt(publicUrl), 'the old port still listens');
    publicUrl = moved;
    await (await adoSyncApi()).signOut();
    await pollUntil('the receiver stopped by sign-out', 10_000, async () => ((await refusedAt(publicUrl).catch(() => 0)) === 0 ? true : undefined));
    await (await adoSyncApi()).connect(emulatorUrl, 'Demo', 'test-pat');
    await pollUntil('the receiver back after connecting', 10_000, async () => ((await refusedAt(publicUrl).catch(() => 0)) === 401 ? true : undefined));
  });

  it('Stop closes the port and turns the setting off', async () => {
    await vscode.commands.executeCommand(Commands.stopWebhookReceiver);
    assert.equal(vscode.workspace.getConfiguration('adoSync.webhook').get('enabled'), false);
    await assert.rejects(fetch(publicUrl, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }));
  });
});
