// The Work Items feature in one call from the composition root: the tree (with drop), its
// commands, the Explorer badges, the background poll and the API operations.
import * as vscode from 'vscode';
import { workItemWebUrl } from '../../core/ado/workItemWebUrl';
import { Commands, Views } from '../../shared/ids';
import type { Connection } from '../connection';
import { WorkItemDropController } from '../dragAndDrop';
import { AttachmentDecorations } from '../fileDecorations';
import { BackgroundSync } from '../backgroundSync';
import { TransferTracker } from '../tree/transfers';
import type { GroupKind } from '../tree/groupSpec';
import { WorkItemNode } from '../tree/workItemNode';
import type { Services } from '../services';
import type { SyncFolder } from '../syncFolder';
import { WorkItemsTree } from '../workItemsTree';
import { workItemApi, type WorkItemApi } from './api';
import type { CommandDeps } from './deps';
import { registerWorkItemCommands } from './index';

export interface WorkItemFeature {
  readonly api: WorkItemApi;
}

export function registerWorkItemFeature(services: Services): WorkItemFeature {
  const { context, connection, session: sync, folder, log, retries } = services;
  const transfers = new TransferTracker();
  transfers.watch(sync.events);
  const tree = new WorkItemsTree({ connection, sync, transfers, log });
  const decorations = new AttachmentDecorations(sync, log);
  const deps: CommandDeps = {
    connection,
    // A user's command is a sign to try the server again now, not after the backoff.
    sync: { engine: () => sync.engine(), store: () => sync.store(), requireEngine: () => { retries.wake(); return sync.requireEngine(); }, get events() { return sync.events; } },
    retries,
    transfers,
    log,
    memento: context.workspaceState,
    syncFolder: () => folder.folder?.uri,
    refresh: () => {
      tree.refreshSoon();
      decorations.scheduleReload();
    },
  };
  const view = vscode.window.createTreeView(Views.workItems, { treeDataProvider: tree, dragAndDropController: new WorkItemDropController(deps), canSelectMany: false, showCollapseAll: true });
  const describe = (): void => describeView(view, connection, folder);
  describe();
  context.subscriptions.push(
    transfers,
    tree,
    view,
    connection.onDidChange(describe),
    folder.onDidChange(describe),
    decorations,
    vscode.window.registerFileDecorationProvider(decorations),
    connection.onDidChange(() => decorations.scheduleReload()),
    new BackgroundSync(connection, sync, log),
    vscode.commands.registerCommand(Commands.refresh, () => deps.refresh()),
    vscode.commands.registerCommand(Commands.loadMore, (kind?: unknown) => isGroupKind(kind) && tree.loadMore(kind)),
    vscode.commands.registerCommand(Commands.retryNow, () => retries.wake()),
    // Coming back to the window, or a poll starting, also ends the wait.
    vscode.window.onDidChangeWindowState((state) => state.focused && retries.wake()),
    { dispose: sync.events.on('runStarted', (e) => e.trigger === 'poll' && retries.wake()) },
    vscode.commands.registerCommand(Commands.openWorkItemInBrowser, (node?: unknown) => openInBrowser(connection, node)),
    ...registerWorkItemCommands(deps),
  );
  return { api: workItemApi(deps) };
}

/**
 * The sync folder of a multi-root workspace: in the view's description, and above the tree while
 * it has rows (a message would hide the welcome that shows when it has none).
 */
function describeView(view: vscode.TreeView<unknown>, connection: Connection, folder: SyncFolder): void {
  const name = folder.isMultiRoot ? folder.folder?.name : undefined;
  view.description = name;
  const hasRows = connection.current !== undefined || connection.disconnected.kind === 'consentNeeded';
  view.message = name && hasRows ? vscode.l10n.t('Syncing folder "{0}" of this workspace (Select Sync Folder... changes it).', name) : undefined;
}

function isGroupKind(value: unknown): value is GroupKind {
  return value === 'tracked' || value === 'assigned' || value === 'query';
}

async function openInBrowser(connection: Connection, node: unknown): Promise<boolean> {
  const state = connection.current;
  if (!state || !(node instanceof WorkItemNode)) return false;
  const url = workItemWebUrl(state.client.org.baseUrl, state.client.project, node.id);
  return vscode.env.openExternal(vscode.Uri.parse(url));
}
