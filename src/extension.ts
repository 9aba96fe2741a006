// Composition root of the extension: builds the object graph and registers disposables.
import * as vscode from 'vscode';
import { Commands, LOG_CHANNEL_NAME, Views } from './shared/ids';
import { Connection } from './vscode/connection';
import { registerConnectCommands } from './vscode/connectCommands';
import { registerDiagnostics } from './vscode/diagnostics';
import { registerImportBacklog } from './vscode/backlog/importBacklogCommand';
import { registerHistory } from './vscode/history/registerHistory';
import { createStatusBar } from './vscode/statusBar';
import { SyncSession } from './vscode/syncSession';
import { createSyncEngine } from './core/sync/syncEngine';
import { WorkItemNode, WorkItemsTree } from './vscode/workItemsTree';

export interface AdoSyncApi {
  readonly version: string;
  /** Connects with a PAT (validated with whoAmI) and stores it in SecretStorage. */
  connect(orgUrl: string, project: string, pat: string): Promise<{ identity: string }>;
  signOut(): Promise<void>;
  isConnected(): boolean;
}

export function activate(context: vscode.ExtensionContext): AdoSyncApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  const connection = new Connection(context.secrets, log);
  const tree = new WorkItemsTree(connection, log);
  const session = new SyncSession(context, connection, createSyncEngine, log);
  activeSession = session;
  context.subscriptions.push(
    log,
    connection,
    tree,
    vscode.window.registerTreeDataProvider(Views.workItems, tree),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    vscode.commands.registerCommand(Commands.refresh, () => tree.refresh()),
    vscode.commands.registerCommand(Commands.openWorkItemInBrowser, (node?: WorkItemNode) => openInBrowser(connection, node)),
    ...registerConnectCommands(connection),
    registerDiagnostics(context, connection),
    session,
    createStatusBar(connection, session),
  );
  const history = registerHistory(context, session, connection, log);
  context.subscriptions.push(...history.disposables, registerImportBacklog({ context, connection, session, relay: history.relay, log }));
  const version = String(context.extension.packageJSON.version ?? '0.0.0');
  log.info(`Azure DevOps Attachment Sync ${version} activated`);
  void connection.restore().finally(() => log.info(`Activation ready in ${Math.round(performance.now() - started)} ms`));
  return {
    version,
    connect: async (orgUrl, project, pat) => ({ identity: (await connection.connect(orgUrl, project, pat)).identity }),
    signOut: () => connection.signOut(),
    isConnected: () => connection.current !== undefined,
  };
}

async function openInBrowser(connection: Connection, node?: WorkItemNode): Promise<void> {
  const state = connection.current;
  if (!state || !node) return;
  const url = `${state.client.org.baseUrl}/${encodeURIComponent(state.client.project)}/_workitems/edit/${node.item.id}`;
  await vscode.env.openExternal(vscode.Uri.parse(url));
}

let activeSession: SyncSession | undefined;

/** Waits for runs in flight, flushes and releases the store; disposables are released by VS Code. */
export function deactivate(): Promise<void> | undefined {
  const session = activeSession;
  activeSession = undefined;
  return session?.close();
}
