// One status bar item (with an id so users can hide it), driven by StatusModel: not connected,
// synced, syncing n/m (spinning), k failed (warning background), offline. Click opens the history;
// while failures are kept, the tooltip offers Dismiss Sync Failures (a command, also in the palette).
import * as vscode from 'vscode';
import { Commands, STATUS_BAR_ID } from '../shared/ids';
import type { Connection, ConnectionState } from './connection';
import type { RetryWaits } from './retryWaits';
import { StatusModel, type StatusView } from './statusBarModel';
import type { SyncSession } from './syncSession';

export interface StatusBar extends vscode.Disposable {
  readonly model: StatusModel;
  /** Re-render after changing the model from outside (e.g. the webhook receiver's state). */
  render(): void;
}

export function createStatusBar(connection: Connection, session: SyncSession, retries: RetryWaits): StatusBar {
  const item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 10);
  item.name = 'Azure DevOps Attachment Sync';
  const model = new StatusModel();
  const render = (): void => {
    const view = model.view();
    item.text = view.text;
    item.tooltip = tooltipOf(view);
    item.command = view.command === 'connect' ? Commands.connect : view.command === 'retryNow' ? Commands.retryNow : Commands.showHistory;
    item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = { label: view.text.replace(/\$\([\w~-]+\)\s*/g, ''), role: 'button' };
  };
  const onConnection = (state: ConnectionState | undefined): void => {
    model.setConnection(state && { identity: state.identity, orgUrl: state.client.org.baseUrl, project: state.client.project });
    render();
  };
  const events = session.events;
  const offs = [
    events.on('runStarted', (e) => { model.runStarted(e.runId, e.totalItems); render(); }),
    events.on('runPlanned', (e) => { model.runPlanned(e.runId, e.totalItems); render(); }),
    events.on('itemDone', (e) => { model.itemDone(e.runId); render(); }),
    events.on('runFinished', (e) => { model.runFinished(e.summary); render(); }),
  ];
  const subscriptions = [
    connection.onDidChange(onConnection),
    session.onDidChange((s) => { model.setReadOnly(s.kind === 'open' && s.readOnly); render(); }),
    session.onDidFinishRun((o) => { if (o.error) { model.runThrew(o.error); render(); } }),
    session.onStoreProblem((p) => { model.setStoreProblem(p?.message); render(); }),
  ];
  subscriptions.push(vscode.commands.registerCommand(Commands.dismissFailures, () => { model.dismissFailures(); render(); }));
  offs.push(retries.onChange((wait) => { model.setRetryWait(wait); render(); }));
  onConnection(connection.current);
  item.show();
  return {
    model,
    render,
    dispose: () => { offs.forEach((off) => off()); subscriptions.forEach((s) => s.dispose()); item.dispose(); },
  };
}

/** The model's lines as text (reasons come from servers: never read as markdown), then the actions as links. */
function tooltipOf(view: StatusView): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendText(view.tooltip);
  if (view.dismissable) {
    tooltip.isTrusted = { enabledCommands: [Commands.dismissFailures, Commands.showHistory] };
    tooltip.appendMarkdown(`\n\n[$(close) Dismiss failures](command:${Commands.dismissFailures}) · [$(history) Show Sync History](command:${Commands.showHistory})`);
  }
  return tooltip;
}
