// The connection: org URL + project from settings, credentials from SecretStorage keyed by that
// organization (connectionSecrets.ts), an AdoClient validated with whoAmI(). Settings only name
// where to connect; credentials go to a URL only after the user connected to it themselves, and
// nothing goes anywhere in Restricted Mode. Emits changes so the tree and status bar follow.
import * as vscode from 'vscode';
import { BearerAuth, createAdoClient, PatAuth, type AdoClient, type AuthStrategy, type ConnectionData } from '../core/ado';
import { Commands, ContextKeys, SETTINGS_SECTION } from '../shared/ids';
import { ConnectionSecrets, organizationKey, type StoredOrganization } from './connectionSecrets';
import { readSettings, readTenant, writeConnectionSettings } from './settings';
import type { RetryWaits } from './retryWaits';
import type { SyncFolder } from './syncFolder';
import { errorMessage } from '../core/errorMessage';

/** Azure DevOps' resource id: a token for it is what the REST API accepts. */
export const ADO_RESOURCE_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
export const MICROSOFT_PROVIDER = 'microsoft';
const SETTINGS_DEBOUNCE_MS = 300;

/** The scopes of the microsoft auth provider; a tenant (id or domain) is passed as VSCODE_TENANT. */
export function microsoftScopes(tenant: string): string[] {
  const trimmed = tenant.trim();
  return trimmed ? [ADO_RESOURCE_SCOPE, `VSCODE_TENANT:${trimmed}`] : [ADO_RESOURCE_SCOPE];
}

export class SignInRequiredError extends Error {
  override readonly name = 'SignInRequiredError';
}

/** Connecting was refused: the workspace is in Restricted Mode. */
export class RestrictedModeError extends Error {
  override readonly name = 'RestrictedModeError';
}

export interface ConnectionState {
  readonly client: AdoClient;
  readonly identity: string;
  readonly orgUrl: string;
  readonly method: 'pat' | 'microsoft';
}

/**
 * Why there is no connection: no URL configured; settings name a URL the user never connected
 * to (consent needed: nothing is sent until they do); Restricted Mode; or a restore that failed.
 */
export type Disconnected =
  | { readonly kind: 'notConfigured' }
  | { readonly kind: 'consentNeeded'; readonly orgUrl: string; readonly host: string }
  | { readonly kind: 'restricted' }
  | { readonly kind: 'failed'; readonly orgUrl: string; readonly reason: string };

export class Connection implements vscode.Disposable {
  private state: ConnectionState | undefined;
  private why: Disconnected = { kind: 'notConfigured' };
  private readonly changed = new vscode.EventEmitter<ConnectionState | undefined>();
  private readonly subscriptions: vscode.Disposable[];
  private queue: Promise<unknown> = Promise.resolve();
  private settingsTimer: NodeJS.Timeout | undefined;
  readonly onDidChange = this.changed.event;
  readonly credentials: ConnectionSecrets;

  constructor(
    secrets: vscode.SecretStorage,
    private readonly folder: SyncFolder,
    private readonly log: vscode.LogOutputChannel,
    private readonly retries: RetryWaits,
  ) {
    this.credentials = new ConnectionSecrets(secrets);
    this.subscriptions = [
      // Another window signed out of this organization: its credential is gone here too.
      secrets.onDidChange((e) => {
        if (this.state && this.credentials.isKeyOf(e.key, this.state.orgUrl)) void this.restore();
      }),
      vscode.authentication.onDidChangeSessions((e) => e.provider.id === MICROSOFT_PROVIDER && this.state?.method === 'microsoft' && void this.restore()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restore()),
      // Settings that name another organization or project take effect at once, with the same consent rule.
      // (Debounced: Connect writes the URL and the project one after the other.)
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!['orgUrl', 'project'].some((key) => e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`))) return;
        clearTimeout(this.settingsTimer);
        this.settingsTimer = setTimeout(() => void this.restore(), SETTINGS_DEBOUNCE_MS);
      }),
      { dispose: () => clearTimeout(this.settingsTimer) },
      folder.onDidChange(() => void this.restore()),
    ];
  }

  /** adoSync.* as they apply to the sync folder. */
  settings(): ReturnType<typeof readSettings> {
    return readSettings(this.folder.scope);
  }

  get current(): ConnectionState | undefined {
    return this.state;
  }

  /** Why there is no connection (meaningful while current is undefined). */
  get disconnected(): Disconnected {
    return this.why;
  }

  /**
   * Connects to the organization the settings name, silently and only with credentials the user
   * stored for that very organization (never prompts: runs at activation).
   */
  restore(): Promise<void> {
    return this.serial(() => this.restoreNow());
  }

  /**
   * One change of the connection at a time: a restore triggered by the settings or secrets a
   * connect writes runs after that connect, and sees what it wrote.
   */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async restoreNow(): Promise<void> {
    if (await this.credentials.dropLegacy()) {
      const text = 'ADO Sync now keeps credentials per organization. The PAT or sign-in saved by an earlier version could not be tied to one, so it was removed: connect once more.';
      this.log.warn(text);
      void vscode.window.showInformationMessage(vscode.l10n.t('ADO Sync now keeps credentials per organization. The PAT or sign-in saved by an earlier version could not be tied to one, so it was removed: connect once more.'), vscode.l10n.t('Connect')).then((pick) => pick && vscode.commands.executeCommand(Commands.connect));
    }
    if (!vscode.workspace.isTrusted) return this.setState(undefined, { kind: 'restricted' });
    const { orgUrl, project } = readSettings(this.folder.scope);
    if (!orgUrl.trim() || !project.trim()) return this.setState(undefined, { kind: 'notConfigured' });
    const credential = await this.credentials.get(orgUrl);
    if (credential && this.state && this.state.method === credential.kind && sameOrganization(this.state.orgUrl, orgUrl) && this.state.client.project === project.trim()) return;
    if (!credential) {
      this.log.info(`Settings name ${hostOf(orgUrl)}, which you have not connected to: nothing is sent to it until you run Connect.`);
      return this.setState(undefined, { kind: 'consentNeeded', orgUrl, host: hostOf(orgUrl) });
    }
    try {
      const state = credential.kind === 'pat'
        ? await this.open(orgUrl, project, new PatAuth(credential.pat), 'pat')
        : await this.open(orgUrl, project, await this.microsoftAuth(false), 'microsoft');
      await this.setState(state);
      this.log.info(`Connected to ${state.orgUrl} (${project}) as ${state.identity}`);
    } catch (error) {
      this.log.warn(`Saved connection could not be restored: ${String(error)}`);
      await this.setState(undefined, { kind: 'failed', orgUrl, reason: errorMessage(error) });
    }
  }

  /** Validates with whoAmI(), then stores the PAT for this organization and the URL/project in settings. */
  connect(orgUrl: string, project: string, pat: string): Promise<ConnectionState> {
    return this.serial(async () => {
      this.refuseInRestrictedMode();
      const state = await this.open(orgUrl, project, new PatAuth(pat), 'pat');
      await this.credentials.store(orgUrl, { kind: 'pat', pat: pat.trim() });
      return this.opened(orgUrl, project, state);
    });
  }

  /**
   * Microsoft sign-in (Azure DevOps Services): interactive only from a user's command. Each
   * request takes the session's current token, so VS Code's refresh applies.
   */
  connectWithMicrosoft(orgUrl: string, project: string, interactive: boolean): Promise<ConnectionState> {
    return this.serial(async () => {
      this.refuseInRestrictedMode();
      const auth = await this.microsoftAuth(interactive);
      const state = await this.open(orgUrl, project, auth, 'microsoft');
      const session = await vscode.authentication.getSession(MICROSOFT_PROVIDER, microsoftScopes(readTenant()), { silent: true });
      await this.credentials.store(orgUrl, { kind: 'microsoft', account: session?.account.label ?? '' });
      return this.opened(orgUrl, project, state);
    });
  }

  private refuseInRestrictedMode(): void {
    if (!vscode.workspace.isTrusted) {
      throw new RestrictedModeError(vscode.l10n.t('This workspace is in Restricted Mode: trust it (Manage Workspace Trust) to connect to Azure DevOps.'));
    }
  }

  private async microsoftAuth(interactive: boolean): Promise<BearerAuth> {
    const scopes = microsoftScopes(readTenant());
    const first = await vscode.authentication.getSession(MICROSOFT_PROVIDER, scopes, interactive ? { createIfNone: true } : { silent: true });
    if (!first) throw new SignInRequiredError(vscode.l10n.t('Sign in with Microsoft again: no session is available.'));
    return new BearerAuth(async () => {
      const session = await vscode.authentication.getSession(MICROSOFT_PROVIDER, scopes, { silent: true });
      if (!session) throw new SignInRequiredError(vscode.l10n.t('The Microsoft session ended: run ADO Sync: Connect to Azure DevOps.'));
      return session.accessToken;
    });
  }

  /** A client for the credentials, validated with whoAmI() and the project. */
  private async open(orgUrl: string, project: string, auth: AuthStrategy, method: ConnectionState['method']): Promise<ConnectionState> {
    const settings = readSettings(this.folder.scope);
    const client = createAdoClient({
      orgUrl,
      project,
      auth,
      apiVersion: settings.apiVersion,
      timeoutMs: settings.requestTimeoutMs,
      maxRetries: settings.uploadMaxRetries,
      requestsPerMinute: settings.rateLimitRpm,
      log: (level, message) => this.log[level](message),
      onRetry: this.retries.notice,
      retrySleep: this.retries.sleep,
    });
    const who = await client.whoAmI();
    await client.getProject(project);
    return { client, identity: identityOf(who), orgUrl: client.org.baseUrl, method };
  }

  private async opened(orgUrl: string, project: string, state: ConnectionState): Promise<ConnectionState> {
    const settings = readSettings(this.folder.scope);
    if (settings.orgUrl !== orgUrl || settings.project !== project) await writeConnectionSettings(orgUrl, project, this.folder.scope);
    await this.setState(state);
    this.log.info(`Connected to ${orgUrl} (${project}) as ${state.identity}`);
    return state;
  }

  /** Signs out of the current organization: its credential is removed; others stay. */
  signOut(): Promise<void> {
    return this.serial(async () => {
      const orgUrl = this.state?.orgUrl ?? readSettings(this.folder.scope).orgUrl;
      if (orgUrl) await this.credentials.forget(orgUrl);
      await this.setState(undefined, orgUrl ? { kind: 'consentNeeded', orgUrl, host: hostOf(orgUrl) } : { kind: 'notConfigured' });
      this.log.info(`Signed out of ${orgUrl || 'Azure DevOps'}; its credential was removed from SecretStorage`);
    });
  }

  /** Organizations with stored credentials. */
  organizations(): Promise<StoredOrganization[]> {
    return this.credentials.list();
  }

  /** Removes an organization's credential; disconnects when it is the current one. */
  forget(orgUrl: string): Promise<void> {
    return this.serial(async () => {
      await this.credentials.forget(orgUrl);
      if (this.state && sameOrganization(this.state.orgUrl, orgUrl)) {
        await this.setState(undefined, { kind: 'consentNeeded', orgUrl: this.state.orgUrl, host: hostOf(orgUrl) });
      }
    });
  }

  private async setState(state: ConnectionState | undefined, why: Disconnected = { kind: 'notConfigured' }): Promise<void> {
    this.state = state;
    this.why = why;
    await vscode.commands.executeCommand('setContext', ContextKeys.connected, state !== undefined);
    await vscode.commands.executeCommand('setContext', ContextKeys.restricted, !state && why.kind === 'restricted');
    this.changed.fire(state);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

export function sameOrganization(a: string, b: string): boolean {
  const key = organizationKey(a);
  return key !== undefined && key === organizationKey(b);
}

/** host[:port] of a URL, for messages; the text itself when it does not parse. */
export function hostOf(orgUrl: string): string {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(orgUrl.trim()) ? orgUrl.trim() : `https://${orgUrl.trim()}`).host;
  } catch {
    return orgUrl;
  }
}

function identityOf(who: ConnectionData): string {
  return who.authenticatedUser.providerDisplayName ?? who.authenticatedUser.id;
}
