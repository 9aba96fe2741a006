// One status bar item (with an id so users can hide it), driven by StatusModel: not connected,
// synced, syncing n/m (spinning), k failed (warning background), offline. Click opens the history;
// while failures are kept, the tooltip offers Dismiss Sync Failures (a command, also in the palette).
import * as vscode from 'vscode';
import { Commands, STATUS_BAR_ID } from '../shared/ids';
import type { ConnectionState } from './connection';
import type { Services } from './services';
import { StatusModel, type StatusView } from './statusBarModel';

export interface StatusBar extends vscode.Disposable {
  readonly model: StatusModel;
  /** Re-render after changing the model from outside (e.g. the webhook receiver's state). */
  render(): void;
}

export function createStatusBar({ connection, session, retries }: Services): StatusBar {
  const item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 10);
  item.name = vscode.l10n.t('Azure DevOps Attachment Sync');
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

/**
 * The model's lines; while failures are kept, as markdown with the actions as links (the lines
 * escaped: reasons come from servers and are never read as markdown).
 */
function tooltipOf(view: StatusView): string | vscode.MarkdownString {
  if (!view.dismissable) return view.tooltip;
  const text = view.tooltip.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&').split('\n').join('\n\n');
  const tooltip = new vscode.MarkdownString(text, true);
  tooltip.isTrusted = { enabledCommands: [Commands.dismissFailures, Commands.showHistory] };
  tooltip.appendMarkdown(`\n\n[${vscode.l10n.t('$(close) Dismiss failures')}](command:${Commands.dismissFailures}) · [${vscode.l10n.t('$(history) Show Sync History')}](command:${Commands.showHistory})`);
  return tooltip;
}
