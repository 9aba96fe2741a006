// Reads adoSync.webhook.* and the receiver's SecretStorage entries; writes the non-secret ones.
// The password and the shared secret live in SecretStorage only, never in settings.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, WEBHOOK_PASSWORD_SECRET_KEY, WEBHOOK_SECRET_SECRET_KEY } from '../../shared/ids';
import { WEBHOOK_CONFIG_DEFAULTS, type WebhookConfig, type WebhookSecrets } from './receiverConfig';

export const WEBHOOK_SECTION = `${SETTINGS_SECTION}.webhook`;
export const WEBHOOK_SECRET_KEYS: readonly string[] = [WEBHOOK_PASSWORD_SECRET_KEY, WEBHOOK_SECRET_SECRET_KEY];

export function readWebhookConfig(): WebhookConfig {
  const config = vscode.workspace.getConfiguration(WEBHOOK_SECTION);
  const read = <K extends keyof WebhookConfig>(key: K): WebhookConfig[K] => config.get<WebhookConfig[K]>(key, WEBHOOK_CONFIG_DEFAULTS[key]);
  return {
    enabled: read('enabled'), host: read('host'), port: read('port'), path: read('path'),
    publicUrl: read('publicUrl'), auth: read('auth'), username: read('username'),
  };
}

export async function readWebhookSecrets(secrets: vscode.SecretStorage): Promise<WebhookSecrets> {
  return {
    password: (await secrets.get(WEBHOOK_PASSWORD_SECRET_KEY)) || undefined,
    secret: (await secrets.get(WEBHOOK_SECRET_SECRET_KEY)) || undefined,
  };
}

export async function storeWebhookSecrets(secrets: vscode.SecretStorage, values: WebhookSecrets): Promise<void> {
  if (values.password) await secrets.store(WEBHOOK_PASSWORD_SECRET_KEY, values.password);
  if (values.secret) await secrets.store(WEBHOOK_SECRET_SECRET_KEY, values.secret);
}

/** Writes a webhook setting where the user most likely meant it: the workspace when a folder is open. */
export async function updateWebhookSetting<K extends keyof WebhookConfig>(key: K, value: WebhookConfig[K] | undefined): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(WEBHOOK_SECTION).update(key, value, target);
}
