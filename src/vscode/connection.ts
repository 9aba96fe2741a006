// The connection: org URL + project from settings, the PAT from SecretStorage, an AdoClient
// validated with whoAmI(). Emits changes so the tree and status bar follow.
import * as vscode from 'vscode';
import { createAdoClient, PatAuth, type AdoClient, type ConnectionData } from '../core/ado';
import { ContextKeys, PAT_SECRET_KEY } from '../shared/ids';
import { readSettings, writeConnectionSettings } from './settings';

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
    if (!settings.orgUrl || !settings.project || !pat) return this.setState(undefined);
    try {
      await this.connect(settings.orgUrl, settings.project, pat);
    } catch (error) {
      this.log.warn(`Saved connection could not be restored: ${String(error)}`);
      await this.setState(undefined);
    }
  }

  /** Validates with whoAmI(), then stores the PAT in SecretStorage and the URL/project in settings. */
  async connect(orgUrl: string, project: string, pat: string): Promise<ConnectionState> {
    const settings = readSettings();
    const client = createAdoClient({
      orgUrl,
      project,
      auth: new PatAuth(pat),
      apiVersion: settings.apiVersion,
      timeoutMs: settings.requestTimeoutMs,
      maxRetries: settings.uploadMaxRetries,
      requestsPerMinute: settings.rateLimitRpm,
      log: (level, message) => this.log[level](message),
    });
    const who = await client.whoAmI();
    await client.getProject(project);
    await this.secrets.store(PAT_SECRET_KEY, pat);
    if (settings.orgUrl !== orgUrl || settings.project !== project) await writeConnectionSettings(orgUrl, project);
    const state = { client, identity: identityOf(who) };
    await this.setState(state);
    this.log.info(`Connected to ${orgUrl} (${project}) as ${state.identity}`);
    return state;
  }

  async signOut(): Promise<void> {
    await this.secrets.delete(PAT_SECRET_KEY);
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
