// Composition root of the extension: builds the object graph and registers disposables.
import * as vscode from 'vscode';
import { createSyncEngine } from './core/sync/syncEngine';
import { Commands, LOG_CHANNEL_NAME } from './shared/ids';
import { registerWorkItemFeature } from './vscode/commands/registrar';
import type { WorkItemApi } from './vscode/commands/api';
import { Connection } from './vscode/connection';
import { registerConnectCommands } from './vscode/connectCommands';
import { registerDiagnostics } from './vscode/diagnostics';
import { registerImportBacklog } from './vscode/backlog/importBacklogCommand';
import { registerHistory } from './vscode/history/registerHistory';
import { RetryWaits } from './vscode/retryWaits';
import { createStatusBar } from './vscode/statusBar';
import { SyncFolder } from './vscode/syncFolder';
import { SyncSession } from './vscode/syncSession';
import { registerWebhook } from './vscode/webhook/registerWebhook';
import type { WebhookHost } from './vscode/webhook/webhookHost';

/** connect/signOut/isConnected plus the CLI's operations (attach, sync, list, download, track, untrack, history). */
export interface AdoSyncApi extends WorkItemApi {
  readonly version: string;
  /** Connects with a PAT (validated with whoAmI) and stores it in SecretStorage for this organization. */
  connect(orgUrl: string, project: string, pat: string): Promise<{ identity: string }>;
  /** Connects with the `microsoft` authentication provider (asks for a session when there is none). */
  connectWithMicrosoft(orgUrl: string, project: string): Promise<{ identity: string }>;
  /** Signs out of the current organization (its stored credential is removed). */
  signOut(): Promise<void>;
  isConnected(): boolean;
  /** The organizations with stored credentials, and how each signs in (never the secrets). */
  organizations(): Promise<{ orgUrl: string; kind: 'pat' | 'microsoft' }[]>;
  /** Why there is no connection: notConfigured, consentNeeded, restricted or failed; 'connected' otherwise. */
  connectionStatus(): string;
}

export function activate(context: vscode.ExtensionContext): AdoSyncApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  const folder = new SyncFolder(context.workspaceState);
  const retries = new RetryWaits();
  const connection = new Connection(context.secrets, folder, log, retries);
  const session = new SyncSession(context, connection, folder, createSyncEngine, log);
  activeSession = session;
  context.subscriptions.push(log, folder, connection, session);
  const workItems = registerWorkItemFeature(context, connection, session, folder, log, retries);
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    ...registerConnectCommands(connection),
    registerDiagnostics(context, connection),
  );
  const statusBar = createStatusBar(connection, session, retries);
  const webhook = registerWebhook(context, connection, session, statusBar, log);
  activeWebhook = webhook.host;
  context.subscriptions.push(statusBar, ...webhook.disposables);
  const history = registerHistory(context, session, connection, log);
  context.subscriptions.push(...history.disposables, registerImportBacklog({ context, connection, session, relay: history.relay, log }));
  const version = String(context.extension.packageJSON.version ?? '0.0.0');
  log.info(`Azure DevOps Attachment Sync ${version} activated`);
  void connection.restore().finally(() => log.info(`Activation ready in ${Math.round(performance.now() - started)} ms`));
  void folder.announce();
  return {
    ...workItems.api,
    version,
    connect: async (orgUrl, project, pat) => ({ identity: (await connection.connect(orgUrl, project, pat)).identity }),
    connectWithMicrosoft: async (orgUrl, project) => ({ identity: (await connection.connectWithMicrosoft(orgUrl, project, true)).identity }),
    signOut: () => connection.signOut(),
    isConnected: () => connection.current !== undefined,
    organizations: async () => (await connection.organizations()).map(({ orgUrl, kind }) => ({ orgUrl, kind })),
    connectionStatus: () => (connection.current ? 'connected' : connection.disconnected.kind),
  };
}

let activeSession: SyncSession | undefined;
let activeWebhook: WebhookHost | undefined;

/**
 * Stops the webhook receiver (its runs in flight end first), then waits for the session's runs,
 * flushes and releases the store; disposables are released by VS Code.
 */
export async function deactivate(): Promise<void> {
  const session = activeSession;
  const webhook = activeWebhook;
  activeSession = undefined;
  activeWebhook = undefined;
  await webhook?.stop();
  await session?.close();
}
