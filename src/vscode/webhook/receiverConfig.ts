// The adoSync.webhook.* settings plus the SecretStorage entries, as the core's WebhookSettings
// (vscode-free, unit-tested). The core validates; this file only maps the extension's names and
// says what is missing in the extension's words (settings and commands, not environment names).
import * as l10n from '@vscode/l10n';
import { isLoopbackHost } from '../../core/ado/orgUrl';
import { validateWebhookSettings, WEBHOOK_DEFAULTS, WebhookSettingsError, type WebhookAuthMode, type WebhookSettings } from '../../core/webhook/settings';

/** adoSync.webhook.* as read from the configuration. */
export interface WebhookConfig {
  enabled: boolean;
  host: string;
  port: number;
  path: string;
  publicUrl: string;
  auth: WebhookAuthMode;
  username: string;
}

/** What SecretStorage holds for the receiver. */
export interface WebhookSecrets {
  password?: string;
  secret?: string;
}

export const WEBHOOK_CONFIG_DEFAULTS: WebhookConfig = {
  enabled: false,
  host: WEBHOOK_DEFAULTS.host,
  port: WEBHOOK_DEFAULTS.port,
  path: WEBHOOK_DEFAULTS.path,
  publicUrl: '',
  auth: 'basic',
  username: '',
};

export { WebhookSettingsError };

const SET_CREDENTIALS = '"ADO Sync: Set Webhook Credentials..."';

/** The credential the chosen mode lacks, said as what to run or set; undefined when complete. */
export function missingCredential(config: WebhookConfig, secrets: WebhookSecrets): string | undefined {
  if (config.auth === 'basic') {
    if (!config.username.trim()) return l10n.t('basic auth needs a user name (adoSync.webhook.username, or run {0})', SET_CREDENTIALS);
    if (!secrets.password) return l10n.t('basic auth needs a password: run {0}', SET_CREDENTIALS);
  } else if (!secrets.secret) {
    return l10n.t('{0} auth needs a shared secret: run {1}', config.auth, SET_CREDENTIALS);
  }
  return undefined;
}

/** The receiver's settings for the core; throws WebhookSettingsError when incomplete or invalid. */
export function toWebhookSettings(config: WebhookConfig, secrets: WebhookSecrets): WebhookSettings {
  const missing = missingCredential(config, secrets);
  if (missing) throw new WebhookSettingsError(missing);
  if (!config.path.startsWith('/')) throw new WebhookSettingsError(l10n.t('adoSync.webhook.path must start with "/"; got "{0}"', config.path));
  const settings: WebhookSettings = {
    ...WEBHOOK_DEFAULTS,
    enabled: config.enabled,
    host: config.host.trim() || WEBHOOK_DEFAULTS.host,
    port: config.port,
    path: config.path,
    authModes: [config.auth],
    username: config.username.trim() || undefined,
    password: secrets.password,
    secret: secrets.secret,
    publicUrl: config.publicUrl.trim() || undefined,
  };
  validateWebhookSettings(settings);
  return settings;
}

/** Binding anywhere but loopback exposes the receiver to other machines: the user confirms it. */
export function needsRemoteConfirmation(settings: Pick<WebhookSettings, 'host'>): boolean {
  return !isLoopbackHost(settings.host);
}

/** Same receiver, so a settings event that changed nothing (or only publicUrl) keeps it running. */
export function sameReceiver(a: WebhookSettings, b: WebhookSettings): boolean {
  const key = (s: WebhookSettings) => JSON.stringify([s.host, s.port, s.path, s.authModes, s.username, s.password, s.secret, s.debounceMs, s.maxBodyBytes]);
  return key(a) === key(b);
}
