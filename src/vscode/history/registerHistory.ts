// Wires the Sync History view: the adoSync.showHistory command, the serializer that restores the
// panel after a reload, the controller on the session's store, and live updates from the
// engine's events (no polling). Returns the relay so that the backlog import can feed it too.
import * as vscode from 'vscode';
import { workItemWebUrl } from '../../core/ado/workItemWebUrl';
import { engineRetry } from '../../core/history/engineRetry';
import { HistoryController, HistoryRequestError } from '../../core/history/historyController';
import { LiveRelay } from '../../core/history/liveRelay';
import { Commands, WebviewTypes } from '../../shared/ids';
import type { Connection } from '../connection';
import type { Services } from '../services';
import { HistoryPanels, type HistoryBackend } from './historyPanel';
import { vscodeHostActions } from './hostActions';
import { readSettings } from '../settings';

export interface HistoryWiring {
  readonly relay: LiveRelay;
  readonly disposables: vscode.Disposable[];
}

export function registerHistory({ context, session, connection, log, folder }: Services): HistoryWiring {
  const host = vscodeHostActions((id) => workItemUrl(connection, id), () => folder.folder?.uri);
  const backend: HistoryBackend = async (request) => {
    const store = await session.historyStore();
    if (!store) throw new HistoryRequestError(vscode.l10n.t('Open a folder to see its sync history.'));
    // Relative recorded paths are the sync folder's (the chosen one of a multi-root workspace).
    const root = folder.folder?.uri.fsPath ?? '';
    const retry = engineRetry(store, () => session.requireEngine(), root, (m) => log.warn(m));
    return new HistoryController(store, retry, host).handle(request);
  };
  // Rows are read only while a view is open to receive them.
  const panels = new HistoryPanels(context.extensionUri, backend);
  const relay = new LiveRelay(() => (panels.isOpen ? session.openedStore : undefined), (e) => panels.live(e));
  const offEvents = relay.attach(session.events);
  return {
    relay,
    disposables: [
      panels,
      vscode.commands.registerCommand(Commands.showHistory, (arg?: unknown) => panels.show(runIdOf(arg))),
      vscode.window.registerWebviewPanelSerializer(WebviewTypes.history, panels.serializer()),
      { dispose: () => { offEvents(); relay.dispose(); } },
    ],
  };
}

/** The work item's web page; from the settings when signed out (history stays browsable). */
function workItemUrl(connection: Connection, id: number): string | undefined {
  if (connection.current) return workItemWebUrl(connection.current.client.org.baseUrl, connection.current.client.project, id);
  const { orgUrl, project } = readSettings();
  return orgUrl && project ? workItemWebUrl(orgUrl, project, id) : undefined;
}

/** { runId } from a failure's Show Details; anything else (a tree or status bar click) opens the list. */
function runIdOf(arg: unknown): number | undefined {
  const runId = typeof arg === 'object' && arg !== null ? (arg as { runId?: unknown }).runId : undefined;
  return typeof runId === 'number' && Number.isInteger(runId) && runId > 0 ? runId : undefined;
}
