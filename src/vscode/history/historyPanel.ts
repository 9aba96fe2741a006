// The thin VS Code host of the Sync History view: one panel (revealed, not duplicated), restored by
// a serializer with its filters and page; requests go to a backend (the vscode-free
// HistoryController on the session's store), live events are relayed as they come.
import * as vscode from 'vscode';
import { historyHtml } from '../../core/history/historyHtml';
import { DEFAULT_VIEW_STATE, type HostToView, type LiveEvent, type Request, type ResponseByKind, type ViewState, type ViewToHost } from '../../shared/historyProtocol';
import { WebviewTypes } from '../../shared/ids';
import { errorMessage } from '../../core/errorMessage';

/** Answers the view's requests (HistoryController.handle on the current store). */
export type HistoryBackend = (request: Request) => Promise<ResponseByKind[Request['kind']]>;

export const HISTORY_TITLE = 'Sync History';

export class HistoryPanel implements vscode.Disposable {
  private static current: HistoryPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri,
    private readonly backend: HistoryBackend, private readonly restore?: ViewState) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: HistoryPanel.roots(extensionUri) };
    const uri = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    webview.html = historyHtml({ cspSource: webview.cspSource, scriptUri: uri('dist', 'webview.js'), styleUri: uri('media', 'history.css'),
      codiconUri: uri('dist', 'codicons', 'codicon.css') });
    this.disposables.push(webview.onDidReceiveMessage((m: ViewToHost) => this.onMessage(m)));
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
  }

  static roots(extensionUri: vscode.Uri): vscode.Uri[] {
    return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
  }

  static get isOpen(): boolean { return HistoryPanel.current !== undefined; }

  /** Opens (or reveals) the view; with runId, that run's detail is shown (e.g. Show Details of a failure). */
  static show(extensionUri: vscode.Uri, backend: HistoryBackend, runId?: number): HistoryPanel {
    const selected: ViewState | undefined = runId === undefined ? undefined : { ...DEFAULT_VIEW_STATE, selectedRunId: runId };
    if (HistoryPanel.current) {
      HistoryPanel.current.panel.reveal();
      if (selected) void HistoryPanel.current.post({ type: 'restore', state: selected });
      return HistoryPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.history, HISTORY_TITLE, vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: HistoryPanel.roots(extensionUri), retainContextWhenHidden: false });
    return (HistoryPanel.current = new HistoryPanel(panel, extensionUri, backend, selected));
  }

  /** Serializer: restores the panel after a reload with the state the view saved (filters, page, tab). */
  static serializer(extensionUri: vscode.Uri, backend: HistoryBackend): vscode.WebviewPanelSerializer<ViewState> {
    return {
      async deserializeWebviewPanel(panel, state) {
        HistoryPanel.current?.dispose();
        HistoryPanel.current = new HistoryPanel(panel, extensionUri, backend, state ?? undefined);
      },
    };
  }

  /** Relay an engine event (runStarted, itemProgress, itemDone, runFinished) to the open view. */
  static live(event: LiveEvent): void { void HistoryPanel.current?.post({ type: 'live', live: event }); }

  private post(m: HostToView): Thenable<boolean> { return this.panel.webview.postMessage(m); }

  private async onMessage(m: ViewToHost): Promise<void> {
    if (m.type === 'ready') { if (this.restore) await this.post({ type: 'restore', state: this.restore }); return; }
    try {
      await this.post({ type: 'response', id: m.id, ok: true, result: await this.backend(m.request) });
    } catch (e) {
      await this.post({ type: 'response', id: m.id, ok: false, error: errorMessage(e) });
    }
  }

  dispose(): void {
    if (HistoryPanel.current === this) HistoryPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
