// Browser suite: the webhook receiver from the palette. Set Webhook Credentials... asks the user
// name and the password (into SecretStorage), Start Webhook Receiver listens on a free loopback
// port, a request with wrong credentials is refused with 401, and the status bar tooltip shows
// the receiver's state with the refused request (screenshot); Stop says polling goes on.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { answerInput, ensureConnected, startCommand, statusBarItem } from '../lib/adoWorkbench';
import { freePort } from '../lib/freePort';
import { e2eSession } from '../lib/session';
import { pollUntil } from '../lib/steps';
import { runCommand, saveScreenshot, waitForNotification } from '../lib/workbench';

/** Sets (or with undefined removes) workspace settings in .vscode/settings.json, keeping the others. */
function workspaceSettings(workspace: string, values: Record<string, unknown>): void {
  const file = path.join(workspace, '.vscode', 'settings.json');
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8') || '{}') as Record<string, unknown>) : {};
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2));
}

/** The status bar item's hover text once it contains `expected` (hovered again until it does). */
async function tooltipShowing(page: Page, expected: RegExp): Promise<string> {
  const item = statusBarItem(page, 'ADO:');
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Webhook receiver' }).first();
  return pollUntil(`status bar tooltip ${expected}`, 20_000, async () => {
    await page.mouse.move(5, 5);
    await item.hover();
    const text = await hover.innerText({ timeout: 2_000 }).catch(() => '');
    return expected.test(text) ? text : undefined;
  }, undefined, 500);
}

describe('workbench: webhook receiver', function () {
  this.timeout(90_000);

  it('credentials and Start from the palette; a refused request shows in the status bar tooltip; Stop', async function () {
    const { page, emulatorUrl, workspace } = e2eSession();
    if (!emulatorUrl) this.skip();
    await ensureConnected(page, emulatorUrl);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/api/webhooks/workitem`;
    workspaceSettings(workspace, { 'adoSync.webhook.port': port });
    try {
      await startCommand(page, 'ADO Sync: Set Webhook Credentials...');
      await answerInput(page, 'ui-hooks');
      await answerInput(page, 'ui-password-1234');
      await runCommand(page, 'ADO Sync: Start Webhook Receiver');
      await waitForNotification(page, new RegExp(`Webhook receiver listening on ${url.replace(/[.]/g, '\\.')}`), 20_000);
      const refused = await fetch(url, {
        method: 'POST', body: JSON.stringify({ id: 'ui-forged', eventType: 'workitem.updated', resource: { workItemId: 1 } }),
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('ui-hooks:wrong').toString('base64')}` },
      });
      assert.equal(refused.status, 401);
      const tooltip = await tooltipShowing(page, /1 rejected \(unauthorized 1\)/);
      assert.match(tooltip, new RegExp(`Webhook receiver: listening on ${url.replace(/[.]/g, '\\.')}`));
      assert.match(tooltip, /Last event: none yet/);
      assert.doesNotMatch(tooltip, /ui-password-1234/);
      await saveScreenshot(page, 'webhook-status-tooltip');
      await page.mouse.move(5, 5);
      await runCommand(page, 'ADO Sync: Stop Webhook Receiver');
      await waitForNotification(page, /Webhook receiver stopped; attachments keep syncing by polling/);
      await assert.rejects(fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }));
    } finally {
      workspaceSettings(workspace, { 'adoSync.webhook.port': undefined, 'adoSync.webhook.enabled': undefined, 'adoSync.webhook.username': undefined });
    }
  });
});
