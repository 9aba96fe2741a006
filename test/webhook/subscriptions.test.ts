// The subscription manager against the emulator's service-hook API and a real sql.js store:
// register (once per URL and event), list, unregister, the records in webhook_subscriptions, and
// the service's own 403 message when the user may not edit subscriptions.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAdoClient, PatAuth, PermissionError, type AdoClient } from '../../src/core/ado';
import { openStore, type SyncStore } from '../../src/core/store';
import {
  listWebhooks, registerWebhook, unregisterWebhooks, WEBHOOK_DEFAULTS, WebhookRegistrationError, type WebhookSettings,
} from '../../src/core/webhook';
import { denyEditSubscriptions } from '../emulator/hooks';
import { startEmulator, type RunningEmulator } from '../emulator/index';

const PUBLIC_URL = 'https://sync.example.test/api/webhooks/workitem';
const settings: WebhookSettings = {
  ...WEBHOOK_DEFAULTS, authModes: ['basic', 'secret'], username: 'hookuser', password: 'hook-pw-9f2', secret: 'shared-7c1', publicUrl: PUBLIC_URL,
};

describe('webhook subscription manager (emulator)', () => {
  let ado: RunningEmulator;
  let dir: string;
  let store: SyncStore;
  let admin: AdoClient;
  let colleague: AdoClient;
  let project: { id: string; name: string };

  before(async () => {
    ado = await startEmulator({ pats: ['admin-pat', 'colleague-pat'] });
    const client = (pat: string) => createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth: new PatAuth(pat), apiVersion: '7.1', maxRetries: 0 });
    admin = client('admin-pat');
    colleague = client('colleague-pat');
    denyEditSubscriptions(ado.state.users[1]);
    const p = await admin.getProject(ado.project);
    project = { id: p.id, name: p.name };
  });
  after(() => ado.close());
  beforeEach(async () => {
    ado.state.subscriptions.clear();
    dir = await mkdtemp(path.join(os.tmpdir(), 'ado-sync-hooks-'));
    store = await openStore({ path: path.join(dir, 'state.sqlite') });
  });
  afterEach(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers workitem.created and workitem.updated with basic auth and the secret header, recorded in the store', async () => {
    const result = await registerWebhook(admin, project, settings, store.webhooks);
    assert.deepEqual(result.created.map((s) => s.eventType), ['workitem.created', 'workitem.updated']);
    assert.deepEqual(result.existing, []);
    const inService = [...ado.state.subscriptions.values()];
    assert.equal(inService.length, 2);
    for (const sub of inService) {
      const inputs = sub.body.consumerInputs as Record<string, string>;
      assert.equal(inputs.url, PUBLIC_URL);
      assert.equal(inputs.basicAuthUsername, 'hookuser');
      assert.equal(inputs.basicAuthPassword, 'hook-pw-9f2');
      assert.equal(inputs.httpHeaders, 'x-webhook-signature:shared-7c1');
      assert.equal((sub.body.publisherInputs as Record<string, string>).projectId, project.id);
    }
    const rows = store.webhooks.list();
    assert.deepEqual(rows.map((r) => [r.eventType, r.url, r.project, r.status]).sort(), [
      ['workitem.created', PUBLIC_URL, 'Demo', 'enabled'],
      ['workitem.updated', PUBLIC_URL, 'Demo', 'enabled'],
    ]);
    assert.ok(!JSON.stringify(result).includes('hook-pw-9f2') && !JSON.stringify(rows).includes('hook-pw-9f2'), 'the password is never echoed');
    assert.ok(!JSON.stringify(result).includes('shared-7c1'), 'nor the secret');
  });

  it('registering again keeps the existing subscriptions instead of duplicating deliveries', async () => {
    const first = await registerWebhook(admin, project, settings, store.webhooks);
    const second = await registerWebhook(admin, project, settings, store.webhooks);
    assert.deepEqual(second.created, []);
    assert.deepEqual(second.existing.map((s) => s.id).sort(), first.created.map((s) => s.id).sort());
    assert.equal(ado.state.subscriptions.size, 2);
    assert.equal(store.webhooks.list().length, 2);
  });

  it('lists ours (not other consumers) with their live status, and records the service lost', async () => {
    const ours = await registerWebhook(admin, project, settings, store.webhooks);
    await registerWebhook(admin, project, { ...settings, publicUrl: 'https://elsewhere.example.test/hook' });
    const deletedInUi = ours.created[0].id;
    ado.state.subscriptions.delete(deletedInUi);
    ado.state.subscriptions.get(ours.created[1].id)!.body.status = 'onProbation';
    const listed = await listWebhooks(admin, undefined, store.webhooks.list());
    assert.deepEqual(listed.map((s) => [s.id, s.status]).sort(), [[deletedInUi, 'missing'], [ours.created[1].id, 'onProbation']].sort());
  });

  it('unregisters ours from the service and the store; one already gone counts as removed', async () => {
    const ours = await registerWebhook(admin, project, settings, store.webhooks);
    const ids = ours.created.map((s) => s.id);
    ado.state.subscriptions.delete(ids[0]);
    assert.deepEqual(await unregisterWebhooks(admin, ids, store.webhooks), ids);
    assert.equal(ado.state.subscriptions.size, 0);
    assert.deepEqual(store.webhooks.list(), []);
    assert.deepEqual(await listWebhooks(admin, PUBLIC_URL, store.webhooks.list()), []);
  });

  it("a user without 'Edit subscription' gets the service's own message, nothing is recorded", async () => {
    const error = await registerWebhook(colleague, project, settings, store.webhooks).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof PermissionError, `got ${String(error)}`);
    assert.equal(error.status, 403);
    assert.equal(error.typeKey, 'AccessCheckException');
    assert.match(error.serverMessage ?? '', /^Access Denied: Bob Colleague needs the following permission\(s\) on the resource PublisherSecurity\/.+ to perform this action: Edit Subscription$/);
    assert.ok(error.message.includes(error.serverMessage ?? '?'), 'the message carries the service text as it is');
    assert.ok(!error.message.includes('hook-pw-9f2') && !error.message.includes('colleague-pat'));
    assert.equal(ado.state.subscriptions.size, 0);
    assert.deepEqual(store.webhooks.list(), []);
    const ours = await registerWebhook(admin, project, settings, store.webhooks);
    await assert.rejects(unregisterWebhooks(colleague, [ours.created[0].id], store.webhooks), PermissionError);
    assert.equal(store.webhooks.list().length, 2, 'a refused unregister keeps the record');
  });

  it('refuses to register without a public URL or without credentials to send', async () => {
    await assert.rejects(registerWebhook(admin, project, { ...settings, publicUrl: undefined }), WebhookRegistrationError);
    await assert.rejects(registerWebhook(admin, project, { ...settings, publicUrl: 'ftp://x/y' }), WebhookRegistrationError);
    await assert.rejects(registerWebhook(admin, project, { ...settings, authModes: ['hmac'] }), /ADO_SYNC_WEBHOOK_USERNAME/);
    assert.equal(ado.state.subscriptions.size, 0);
    const http = await registerWebhook(admin, project, { ...settings, publicUrl: 'http://127.0.0.1:9/hook' });
    assert.equal(http.warnings.length, 2, 'basic auth over http and a loopback target are both called out');
  });
});
