// The extension's vscode-free webhook pieces: its settings and secrets as the core's receiver
// settings (checked on a real receiver), and what it tells the user (tooltip, register, 403).
import assert from 'node:assert/strict';
import { PermissionError } from '../../src/core/ado/errors';
import { startWebhookReceiver, type InboundServiceState, type RegisterResult } from '../../src/core/webhook';
import {
  missingCredential, needsRemoteConfirmation, sameReceiver, toWebhookSettings, WEBHOOK_CONFIG_DEFAULTS, WebhookSettingsError, type WebhookConfig,
} from '../../src/vscode/webhook/receiverConfig';
import { DELIVERY_NOTE, permissionMessage, receiverTooltip, registerSummary, remoteReceiverAdvice } from '../../src/vscode/webhook/webhookText';

const basic: WebhookConfig = { ...WEBHOOK_CONFIG_DEFAULTS, enabled: true, port: 0, auth: 'basic', username: 'ado' };
const event = JSON.stringify({ id: 'e1', eventType: 'workitem.updated', resource: { id: 9, workItemId: 42 } });

async function post(url: string, authorization?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  return (await fetch(url, { method: 'POST', headers, body: event })).status;
}

describe('extension webhook settings', () => {
  it('basic settings and the SecretStorage password make a receiver that accepts them and refuses others', async () => {
    const settings = toWebhookSettings(basic, { password: 'pw-1' });
    assert.deepEqual(settings.authModes, ['basic']);
    const changed: number[] = [];
    const receiver = await startWebhookReceiver({ ...settings, debounceMs: 0 }, (id) => { changed.push(id); });
    try {
      assert.equal(await post(receiver.url, `Basic ${Buffer.from('ado:wrong').toString('base64')}`), 401);
      assert.equal(await post(receiver.url), 401);
      assert.equal(await post(receiver.url, `Basic ${Buffer.from('ado:pw-1').toString('base64')}`), 202);
      assert.equal(receiver.state().rejected, 2);
      assert.equal(receiver.state().accepted, 1);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the debounce (0 ms) fires
    } finally {
      await receiver.close();
    }
    assert.deepEqual(changed, [42]);
  });

  it('says which credential is missing in the extension\'s words, per mode', () => {
    assert.match(missingCredential({ ...basic, username: ' ' }, { password: 'x' }) ?? '', /adoSync\.webhook\.username/);
    assert.match(missingCredential(basic, {}) ?? '', /password.*Set Webhook Credentials/);
    assert.match(missingCredential({ ...basic, auth: 'secret' }, { password: 'x' }) ?? '', /secret auth needs a shared secret/);
    assert.match(missingCredential({ ...basic, auth: 'hmac' }, {}) ?? '', /hmac auth/);
    assert.equal(missingCredential({ ...basic, auth: 'hmac' }, { secret: 's'.repeat(16) }), undefined);
    assert.throws(() => toWebhookSettings(basic, {}), WebhookSettingsError);
    assert.doesNotMatch(String(missingCredential(basic, {})), /ADO_SYNC_WEBHOOK/);
  });

  it('refuses a path without a leading slash and a port out of range (the core\'s check)', () => {
    assert.throws(() => toWebhookSettings({ ...basic, path: 'api/hook' }, { password: 'p' }), /must start with "\/"/);
    assert.throws(() => toWebhookSettings({ ...basic, port: 70_000 }, { password: 'p' }), WebhookSettingsError);
  });

  it('only loopback listens without a confirmation', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) assert.equal(needsRemoteConfirmation({ host }), false, host);
    for (const host of ['0.0.0.0', '192.168.1.20', '::', 'build-box']) assert.equal(needsRemoteConfirmation({ host }), true, host);
  });

  it('a changed public URL keeps the receiver; a changed port or password replaces it', () => {
    const a = toWebhookSettings(basic, { password: 'p' });
    assert.equal(sameReceiver(a, toWebhookSettings({ ...basic, publicUrl: 'https://hooks.example.com/x' }, { password: 'p' })), true);
    assert.equal(sameReceiver(a, toWebhookSettings({ ...basic, port: 9000 }, { password: 'p' })), false);
    assert.equal(sameReceiver(a, toWebhookSettings(basic, { password: 'q' })), false);
  });
});

describe('extension webhook text', () => {
  const state: InboundServiceState = {
    receiver: {
      listening: true, url: 'http://127.0.0.1:8787/api/webhooks/workitem', address: '127.0.0.1:8787',
      accepted: 2, rejected: 1, rejections: { unauthorized: 1, malformed: 0, tooLarge: 0, unsupportedMediaType: 0 }, duplicates: 0, ignored: 0,
    },
    poll: { enabled: false, intervalMs: 0 },
    sync: { active: 0, dirty: 0, blocked: [] },
    runs: { completed: 2, failed: 0 },
    untrackedEvents: 0,
  };

  it('tooltip: the core\'s lines without the prefix the status bar adds, and the poll timer\'s interval', () => {
    const lines = receiverTooltip(state, 600).split('\n');
    assert.equal(lines[0], 'listening on http://127.0.0.1:8787/api/webhooks/workitem');
    assert.ok(lines.includes('Events: 2 accepted, 1 rejected (unauthorized 1), 0 duplicate, 0 ignored, 0 untracked'), lines.join('\n'));
    assert.ok(lines.includes('Poll: every 600 s'), lines.join('\n'));
    assert.ok(receiverTooltip(state, 0).split('\n').includes('Poll: off'));
  });

  it('register: counts, the core\'s warnings and where Azure DevOps can deliver', () => {
    const result: RegisterResult = { created: [{ id: 'a', eventType: 'workitem.created', url: 'u', status: 'enabled' }], existing: [], warnings: ['the URL is a loopback address'] };
    const text = registerSummary(result, 'http://127.0.0.1:8787/api/webhooks/workitem');
    assert.match(text, /^Registered 1 new and kept 0 existing webhook subscription\(s\) for http:\/\/127\.0\.0\.1:8787/);
    assert.match(text, /Note: the URL is a loopback address/);
    assert.ok(text.endsWith(DELIVERY_NOTE));
    assert.match(DELIVERY_NOTE, /Services cannot deliver to localhost.*public https URL.*tunnel or relay.*Server on your LAN can/);
  });

  it('a 403 shows the service\'s own message and says polling continues', () => {
    const serverMessage = 'TF400813: The user \'Bob\' is not authorized to access this resource.';
    const text = permissionMessage(new PermissionError('Permission denied', { status: 403, serverMessage }));
    assert.ok(text.includes(serverMessage), text);
    assert.match(text, /Edit subscription/);
    assert.match(text, /keep syncing by polling/);
  });

  it('in a remote window: a loopback forward is explained, not offered; a public forward is offered for confirmation', () => {
    const ssh = remoteReceiverAdvice('ssh-remote', 'http://127.0.0.1:8787/api/webhooks/workitem', 'http://localhost:53123/api/webhooks/workitem');
    assert.equal(ssh.suggestion, undefined);
    assert.match(ssh.note, /ssh-remote.*this computer only.*cannot reach/);
    const codespaces = remoteReceiverAdvice('codespaces', 'http://127.0.0.1:8787/api/webhooks/workitem', 'https://fluffy-8787.app.github.dev/api/webhooks/workitem');
    assert.equal(codespaces.suggestion, 'https://fluffy-8787.app.github.dev/api/webhooks/workitem');
    assert.match(codespaces.note, /only if that forward is public/);
  });
});
