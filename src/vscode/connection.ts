// The connection: org URL + project from settings, a PAT from SecretStorage or a Microsoft
// sign-in (Azure DevOps Services), an AdoClient validated with whoAmI(). Emits changes so the
// tree and status bar follow.
import * as vscode from 'vscode';
import { BearerAuth, createAdoClient, PatAuth, type AdoClient, type AuthStrategy, type ConnectionData } from '../core/ado';
import { ContextKeys, PAT_SECRET_KEY } from '../shared/ids';
import { readSettings, readTenant, writeConnectionSettings } from './settings';

/** Azure DevOps' resource id: a token for it is what the REST API accepts. */
export const ADO_RESOURCE_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
/** SecretStorage marker: this workspace signed in with Microsoft (so restore() asks silently). */
const MICROSOFT_SIGN_IN_KEY = 'adoSync.microsoftSignIn';

/** The scopes of the microsoft auth provider; a tenant (id or domain) is passed as VSCODE_TENANT. */
export function microsoftScopes(tenant: string): string[] {
  const trimmed = tenant.trim();
  return trimmed ? [ADO_RESOURCE_SCOPE, `VSCODE_TENANT:${trimmed}`] : [ADO_RESOURCE_SCOPE];
}

export class SignInRequiredError extends Error {
  override readonly name = 'SignInRequiredError';
}

export interface ConnectionState {
  readonly client: AdoClient;
  readonly identity: string;
}

export class Connection implements vscode.Disposable {
  private state: ConnectionState | undefined;
  private readonly changed = new vscode.EventEmitter<ConnectionState | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get current(): ConnectionState | undefined {
    return this.state;
  }

  /** Restores a saved connection silently (never prompts: may run at activation). */
  async restore(): Promise<void> {
    const settings = readSettings();
    const pat = await this.secrets.get(PAT_SECRET_KEY);
    const microsoft = (await this.secrets.get(MICROSOFT_SIGN_IN_KEY)) !== undefined;
    if (!settings.orgUrl || !settings.project || (!pat && !microsoft)) return this.setState(undefined);
    try {
      if (microsoft) await this.connectWithMicrosoft(settings.orgUrl, settings.project, false);
      else if (pat) await this.connect(settings.orgUrl, settings.project, pat);
    } catch (error) {
      this.log.warn(`Saved connection could not be restored: ${String(error)}`);
      await this.setState(undefined);
    }
  }

  /** Validates with whoAmI(), then stores the PAT in SecretStorage and the URL/project in settings. */
  async connect(orgUrl: string, project: string, pat: string): Promise<ConnectionState> {
    const state = await this.open(orgUrl, project, new PatAuth(pat));
    await this.secrets.store(PAT_SECRET_KEY, pat);
    await this.secrets.delete(MICROSOFT_SIGN_IN_KEY);
    return this.opened(orgUrl, project, state);
  }

  /**
   * Microsoft sign-in (Azure DevOps Services): interactive only from a user's command; restore()
   * asks silently. Each request takes the session's current token, so VS Code's refresh applies.
   */
  async connectWithMicrosoft(orgUrl: string, project: string, interactive: boolean): Promise<ConnectionState> {
    const scopes = microsoftScopes(readTenant());
    const first = await vscode.authentication.getSession('microsoft', scopes, interactive ? { createIfNone: true } : { silent: true });
    if (!first) throw new SignInRequiredError('Sign in with Microsoft again: no session is available.');
    const token = async (): Promise<string> => {
      const session = await vscode.authentication.getSession('microsoft', scopes, { silent: true });
      if (!session) throw new SignInRequiredError('The Microsoft session ended: run ADO Sync: Connect to Azure DevOps.');
      return session.accessToken;
    };
    const state = await this.open(orgUrl, project, new BearerAuth(token));
    await this.secrets.store(MICROSOFT_SIGN_IN_KEY, first.account.label);
    await this.secrets.delete(PAT_SECRET_KEY);
    return this.opened(orgUrl, project, state);
  }

  /** A client for the credentials, validated with whoAmI() and the project. */
  private async open(orgUrl: string, project: string, auth: AuthStrategy): Promise<ConnectionState> {
    const settings = readSettings();
    const client = createAdoClient({
      orgUrl,
      project,
      auth,
      apiVersion: settings.apiVersion,
      timeoutMs: settings.requestTimeoutMs,
      maxRetries: settings.uploadMaxRetries,
      requestsPerMinute: settings.rateLimitRpm,
      log: (level, message) => this.log[level](message),
    });
    const who = await client.whoAmI();
    await client.getProject(project);
    return { client, identity: identityOf(who) };
  }

  private async opened(orgUrl: string, project: string, state: ConnectionState): Promise<ConnectionState> {
    const settings = readSettings();
    if (settings.orgUrl !== orgUrl || settings.project !== project) await writeConnectionSettings(orgUrl, project);
    await this.setState(state);
    this.log.info(`Connected to ${orgUrl} (${project}) as ${state.identity}`);
    return state;
  }

  async signOut(): Promise<void> {
    await this.secrets.delete(PAT_SECRET_KEY);
    await this.secrets.delete(MICROSOFT_SIGN_IN_KEY);
    await this.setState(undefined);
    this.log.info('Signed out; the PAT was removed from SecretStorage');
  }

  private async setState(state: ConnectionState | undefined): Promise<void> {
    this.state = state;
    await vscode.commands.executeCommand('setContext', ContextKeys.connected, state !== undefined);
    this.changed.fire(state);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function identityOf(who: ConnectionData): string {
  return who.authenticatedUser.providerDisplayName ?? who.authenticatedUser.id;
}
