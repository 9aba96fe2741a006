// The thin VS Code host of the Sync History view: one panel (revealed, not duplicated), restored by
// a serializer with its filters and page; requests go to the vscode-free HistoryController.
import * as vscode from 'vscode';
import { HistoryController } from '../../core/history/historyController';
import { historyHtml } from '../../core/history/historyHtml';
import type { HostToView, LiveEvent, ViewState, ViewToHost } from '../../shared/historyProtocol';

/** Move to src/shared/ids.ts (Views.history / Commands.showHistory) when wired. */
export const HISTORY_VIEW_TYPE = 'adoSync.history';

export class HistoryPanel implements vscode.Disposable {
  private static current: HistoryPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri,
    private readonly controller: HistoryController, restore?: ViewState) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: HistoryPanel.roots(extensionUri) };
    const uri = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    webview.html = historyHtml({ cspSource: webview.cspSource, scriptUri: uri('dist', 'webview.js'), styleUri: uri('media', 'history.css'),
      codiconUri: uri('dist', 'codicons', 'codicon.css') });
    this.disposables.push(webview.onDidReceiveMessage((m: ViewToHost) => this.onMessage(m, restore)));
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
  }

  static roots(extensionUri: vscode.Uri): vscode.Uri[] {
    return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
  }

  static show(extensionUri: vscode.Uri, controller: HistoryController): HistoryPanel {
    if (HistoryPanel.current) { HistoryPanel.current.panel.reveal(); return HistoryPanel.current; }
    const panel = vscode.window.createWebviewPanel(HISTORY_VIEW_TYPE, 'Sync History', vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: HistoryPanel.roots(extensionUri), retainContextWhenHidden: false });
    return (HistoryPanel.current = new HistoryPanel(panel, extensionUri, controller));
  }

  /** Serializer: restores the panel after a reload with the state the view saved. */
  static serializer(extensionUri: vscode.Uri, controller: () => HistoryController): vscode.WebviewPanelSerializer<ViewState> {
    return {
      async deserializeWebviewPanel(panel, state) {
        HistoryPanel.current?.dispose();
        HistoryPanel.current = new HistoryPanel(panel, extensionUri, controller(), state ?? undefined);
      },
    };
  }

  /** Relay an engine event (runStarted, itemProgress, itemDone, runFinished) to the open view. */
  static live(event: LiveEvent): void { void HistoryPanel.current?.post({ type: 'live', live: event }); }

  private post(m: HostToView): Thenable<boolean> { return this.panel.webview.postMessage(m); }

  private async onMessage(m: ViewToHost, restore?: ViewState): Promise<void> {
    if (m.type === 'ready') { if (restore) await this.post({ type: 'restore', state: restore }); return; }
    try {
      await this.post({ type: 'response', id: m.id, ok: true, result: await this.controller.handle(m.request) });
    } catch (e) {
      await this.post({ type: 'response', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  dispose(): void {
    if (HistoryPanel.current === this) HistoryPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
