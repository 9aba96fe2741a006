// Composition root of the extension: builds the object graph and registers disposables.
import * as l10n from '@vscode/l10n';
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
import type { Services } from './vscode/services';

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
  // The vscode-free modules (status bar model, run reports, webhook texts) translate with @vscode/l10n: hand it VS Code's bundle.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  const folder = new SyncFolder(context.workspaceState);
  const retries = new RetryWaits();
  const connection = new Connection(context.secrets, folder, log, retries);
  const session = new SyncSession(context, connection, folder, createSyncEngine, log);
  const services: Services = { context, log, folder, connection, session, retries };
  context.subscriptions.push(log, folder, connection, session);
  const workItems = registerWorkItemFeature(services);
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    ...registerConnectCommands(connection),
    registerDiagnostics(context, connection),
  );
  const statusBar = createStatusBar(services);
  const webhook = registerWebhook(services, statusBar);
  context.subscriptions.push(statusBar, ...webhook.disposables);
  const history = registerHistory(services);
  context.subscriptions.push(...history.disposables, registerImportBacklog({ context, connection, session, relay: history.relay, log }));
  shutdown = async () => {
    await webhook.host.stop();
    await session.close();
  };
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

/**
 * The one piece of module state: VS Code calls deactivate() without arguments, so what it must
 * await (the webhook receiver's runs, the session's flush) is left here by activate().
 */
let shutdown: (() => Promise<void>) | undefined;

/**
 * Stops the webhook receiver (its runs in flight end first), then waits for the session's runs,
 * flushes and releases the store; disposables are released by VS Code.
 */
export async function deactivate(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
}
