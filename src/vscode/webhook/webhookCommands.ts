// Commands of the webhook receiver: credentials into SecretStorage, the service-hook subscriptions
// (register, list, unregister: the core's functions on the connection's client and the store's
// records), and starting/stopping the receiver (the adoSync.webhook.enabled setting).
import * as vscode from 'vscode';
import type { AdoClient } from '../../core/ado/client';
import { PermissionError } from '../../core/ado/errors';
import type { SyncStore } from '../../core/store';
import type { InboundServiceState } from '../../core/webhook/inboundService';
import { WebhookSettingsError } from '../../core/webhook/settings';
import {
  listWebhooks, registerWebhook, unregisterWebhooks, WebhookRegistrationError,
  type RegisterResult, type WebhookSubscriptionView,
} from '../../core/webhook/subscriptions';
import { Commands } from '../../shared/ids';
import { showFailure } from '../commands/progress';
import type { Connection } from '../connection';
import type { SyncSession } from '../syncSession';
import { toWebhookSettings, type WebhookSecrets } from './receiverConfig';
import type { WebhookHost } from './webhookHost';
import { readWebhookConfig, readWebhookSecrets, storeWebhookSecrets, updateWebhookSetting } from './webhookSettings';
import { hmacRegisterMessage, permissionMessage, registerSummary, remoteReceiverAdvice, subscriptionLabel } from './webhookText';
import { errorMessage } from '../../core/errorMessage';

export interface WebhookCommandDeps {
  readonly secrets: vscode.SecretStorage;
  readonly connection: Connection;
  readonly session: SyncSession;
  readonly host: WebhookHost;
  readonly log: vscode.LogOutputChannel;
}

/** Credentials given as a command argument (automation, tests); the palette prompts instead. */
export interface CredentialsArgument extends WebhookSecrets {
  username?: string;
}

export function registerWebhookCommands(deps: WebhookCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.setWebhookCredentials, (arg?: CredentialsArgument) => setCredentials(deps, arg)),
    vscode.commands.registerCommand(Commands.registerWebhook, () => register(deps)),
    vscode.commands.registerCommand(Commands.listWebhooks, () => list(deps)),
    vscode.commands.registerCommand(Commands.unregisterWebhooks, () => unregister(deps)),
    vscode.commands.registerCommand(Commands.startWebhookReceiver, () => start(deps)),
    vscode.commands.registerCommand(Commands.stopWebhookReceiver, () => stop(deps)),
  ];
}

async function setCredentials(deps: WebhookCommandDeps, arg: CredentialsArgument | undefined): Promise<boolean> {
  const values = isCredentials(arg) ? arg : await promptCredentials();
  if (!values) return false;
  // The user name is no secret (a setting); the password and the shared secret are.
  if (values.username !== undefined) await updateWebhookSetting('username', values.username);
  await storeWebhookSecrets(deps.secrets, values);
  deps.log.info('Webhook credentials saved in SecretStorage');
  return true;
}

function isCredentials(arg: unknown): arg is CredentialsArgument {
  return typeof arg === 'object' && arg !== null && ['username', 'password', 'secret'].some((k) => typeof (arg as Record<string, unknown>)[k] === 'string');
}

async function promptCredentials(): Promise<CredentialsArgument | undefined> {
  const config = readWebhookConfig();
  if (config.auth === 'basic') {
    const username = await vscode.window.showInputBox({ title: vscode.l10n.t('Webhook receiver: basic auth (1/2)'), prompt: vscode.l10n.t('User name Azure DevOps sends'), value: config.username, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a user name')) });
    if (username === undefined) return undefined;
    const password = await vscode.window.showInputBox({ title: vscode.l10n.t('Webhook receiver: basic auth (2/2)'), prompt: vscode.l10n.t('Password (kept in SecretStorage)'), password: true, ignoreFocusOut: true, validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter a password')) });
    return password === undefined ? undefined : { username: username.trim(), password };
  }
  const prompt = config.auth === 'hmac'
    ? vscode.l10n.t('Shared secret: the HMAC-SHA256 key of the request body (kept in SecretStorage)')
    : vscode.l10n.t('Shared secret: the value of the x-webhook-signature header (kept in SecretStorage)');
  const secret = await vscode.window.showInputBox({ title: vscode.l10n.t('Webhook receiver: {0} auth', config.auth), prompt, password: true, ignoreFocusOut: true, validateInput: (v) => (v.length >= 16 ? undefined : vscode.l10n.t('Use at least 16 characters')) });
  return secret === undefined ? undefined : { secret };
}

/** The connection's client, and the store that records our subscriptions (when writable). */
interface HookAccess {
  client: AdoClient;
  records?: SyncStore;
}

/** The connection's client and the store for subscription records; explains why not when missing. */
async function hookAccess(deps: WebhookCommandDeps): Promise<HookAccess | undefined> {
  const state = deps.connection.current;
  if (!state) {
    await deps.session.requireEngine();
    return undefined;
  }
  const store = await deps.session.store();
  // A read-only store (the CLI holds it) cannot record; the service is still the truth for list.
  return { client: state.client, records: store && !store.readOnly ? store : undefined };
}

/** Runs a subscription call; a 403 shows the service's message and that polling goes on. */
async function withHookErrors<T>(deps: WebhookCommandDeps, what: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PermissionError) {
      const message = permissionMessage(error);
      deps.log.warn(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
    if (error instanceof WebhookRegistrationError || error instanceof WebhookSettingsError) {
      void vscode.window.showWarningMessage(`${what}: ${error.message}`);
      return undefined;
    }
    return showFailure(deps.log, what, error);
  }
}

async function register(deps: WebhookCommandDeps): Promise<RegisterResult | undefined> {
  const access = await hookAccess(deps);
  if (!access) return undefined;
  const config = readWebhookConfig();
  if (config.auth === 'hmac') {
    void vscode.window.showWarningMessage(hmacRegisterMessage());
    return undefined;
  }
  const publicUrl = config.publicUrl.trim() || (await promptPublicUrl(await remoteAdvice(deps)));
  if (!publicUrl) return undefined;
  return withHookErrors(deps, vscode.l10n.t('Registering webhook subscriptions'), async () => {
    const settings = { ...toWebhookSettings(config, await readWebhookSecrets(deps.secrets)), publicUrl };
    const project = await access.client.getProject(access.client.project);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Registering webhook subscriptions…') },
      () => registerWebhook(access.client, { id: project.id, name: project.name }, settings, access.records?.webhooks));
    access.records?.flush();
    const message = registerSummary(result, publicUrl);
    deps.log.info(message);
    void vscode.window.showInformationMessage(message);
    return result;
  });
}

/** In a remote window: where VS Code forwards the receiver, and whether Azure DevOps could reach it. */
async function remoteAdvice(deps: WebhookCommandDeps): Promise<{ suggestion?: string; note: string } | undefined> {
  const remote = vscode.env.remoteName;
  if (!remote) return undefined;
  const config = readWebhookConfig();
  const receiverUrl = deps.host.state()?.receiver?.url ?? `http://127.0.0.1:${config.port}${config.path}`;
  try {
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(receiverUrl));
    return remoteReceiverAdvice(remote, receiverUrl, external.toString(true));
  } catch (error) {
    return { note: vscode.l10n.t('This window runs on "{0}" and VS Code could not forward the receiver ({1}): enter the URL of a tunnel or relay to it.', remote, errorMessage(error)) };
  }
}

async function promptPublicUrl(remote?: { suggestion?: string; note: string }): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('Public URL of the webhook receiver'),
    value: remote?.suggestion,
    prompt: (remote ? `${remote.note} ` : '') + vscode.l10n.t('The URL Azure DevOps calls (https for Azure DevOps Services: a tunnel or relay to this receiver). Saved as adoSync.webhook.publicUrl.'),
    ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : vscode.l10n.t('Enter an absolute http(s) URL')),
  });
  if (!url?.trim()) return undefined;
  await updateWebhookSetting('publicUrl', url.trim());
  return url.trim();
}

async function ourSubscriptions(access: HookAccess): Promise<WebhookSubscriptionView[]> {
  const publicUrl = readWebhookConfig().publicUrl.trim() || undefined;
  return listWebhooks(access.client, publicUrl, access.records?.webhooks.list() ?? []);
}

/** Resolves with the subscriptions; the QuickPick stays open beside (picking one offers to remove it). */
async function list(deps: WebhookCommandDeps): Promise<WebhookSubscriptionView[] | undefined> {
  const access = await hookAccess(deps);
  if (!access) return undefined;
  const subscriptions = await withHookErrors(deps, vscode.l10n.t('Listing webhook subscriptions'), () => ourSubscriptions(access));
  if (!subscriptions) return undefined;
  if (subscriptions.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No webhook subscriptions of this workspace. Run "ADO Sync: Register Webhook Subscriptions" to create them.'));
    return subscriptions;
  }
  const items = subscriptions.map((s) => ({ ...subscriptionLabel(s), subscription: s }));
  void vscode.window.showQuickPick(items, { title: vscode.l10n.t('Webhook subscriptions (pick one to unregister it)'), matchOnDetail: true }).then(async (picked) => {
    if (!picked) return;
    const remove = vscode.l10n.t('Unregister');
    if ((await vscode.window.showWarningMessage(vscode.l10n.t('Unregister the {0} subscription {1}?', picked.subscription.eventType, picked.subscription.id), { modal: true }, remove)) !== remove) return;
    await withHookErrors(deps, vscode.l10n.t('Unregistering the webhook subscription'), () => removeSubscriptions(deps, access, [picked.subscription.id]));
  });
  return subscriptions;
}

async function removeSubscriptions(deps: WebhookCommandDeps, access: HookAccess, ids: readonly string[]): Promise<string[]> {
  const removed = await unregisterWebhooks(access.client, ids, access.records?.webhooks);
  access.records?.flush();
  const message = removed.length ? `Removed ${removed.length} webhook subscription(s).` : 'No webhook subscriptions of this workspace to remove.';
  deps.log.info(`${message}${removed.length ? ` ${removed.join(', ')}` : ''}`);
  void vscode.window.showInformationMessage(removed.length ? vscode.l10n.t('Removed {0} webhook subscription(s).', removed.length) : vscode.l10n.t('No webhook subscriptions of this workspace to remove.'));
  return removed;
}

async function unregister(deps: WebhookCommandDeps): Promise<string[] | undefined> {
  const access = await hookAccess(deps);
  if (!access) return undefined;
  return withHookErrors(deps, vscode.l10n.t('Unregistering webhook subscriptions'), async () => {
    const ids = (await ourSubscriptions(access)).map((s) => s.id);
    return removeSubscriptions(deps, access, ids);
  });
}

/** Turns the receiver on (the setting) and resolves with its state; when it runs already, shows it. */
async function start(deps: WebhookCommandDeps): Promise<InboundServiceState | undefined> {
  if (!deps.connection.current) {
    await deps.session.requireEngine();
    return undefined;
  }
  const wasRunning = deps.host.state() !== undefined;
  if (!readWebhookConfig().enabled) await updateWebhookSetting('enabled', true);
  await deps.host.reconcile({ interactive: true });
  const state = deps.host.state();
  if (state && wasRunning) void vscode.window.showInformationMessage(vscode.l10n.t('Webhook receiver is listening on {0}: {1} event(s) accepted, {2} rejected.', state.receiver?.url ?? '?', state.receiver?.accepted ?? 0, state.receiver?.rejected ?? 0));
  else if (state) void vscode.window.showInformationMessage(vscode.l10n.t('Webhook receiver listening on {0}.', state.receiver?.url ?? '?'));
  return state;
}

async function stop(deps: WebhookCommandDeps): Promise<void> {
  if (readWebhookConfig().enabled) await updateWebhookSetting('enabled', false);
  await deps.host.reconcile();
  void vscode.window.showInformationMessage(vscode.l10n.t('Webhook receiver stopped; attachments keep syncing by polling.'));
}
