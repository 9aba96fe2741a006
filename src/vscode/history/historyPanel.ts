// The thin VS Code host of the Sync History view: one panel per window (revealed, not duplicated),
// restored by a serializer with its filters and page; requests go to a backend (the vscode-free
// HistoryController on the session's store), live events are relayed as they come.
import * as vscode from 'vscode';
import { historyHtml } from '../../core/history/historyHtml';
import { DEFAULT_VIEW_STATE, type HostToView, type LiveEvent, type Request, type ResponseByKind, type ViewState, type ViewToHost } from '../../shared/historyProtocol';
import { WebviewTypes } from '../../shared/ids';
import { errorMessage } from '../../core/errorMessage';

/** Answers the view's requests (HistoryController.handle on the current store). */
export type HistoryBackend = (request: Request) => Promise<ResponseByKind[Request['kind']]>;


/**
 * The one Sync History panel of this window (revealed, not duplicated): made by registerHistory
 * and passed to what needs it, instead of a static "current" panel.
 */
export class HistoryPanels implements vscode.Disposable {
  private current: HistoryPanel | undefined;
  /** A run to show once a restored tab has been revived. */
  private pending: ViewState | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly backend: HistoryBackend) {}

  get isOpen(): boolean { return this.current !== undefined; }

  /** Opens (or reveals) the view; with runId, that run's detail is shown (e.g. Show Details of a failure). */
  async show(runId?: number): Promise<void> {
    const selected: ViewState | undefined = runId === undefined ? undefined : { ...DEFAULT_VIEW_STATE, selectedRunId: runId };
    if (!this.current && (await revealRestoredTab())) {
      // Bringing the tab forward revives it through the serializer, which adopts it.
      this.pending = selected;
      return;
    }
    if (this.current) {
      this.current.reveal(selected);
      return;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.history, vscode.l10n.t('Sync History'), vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: panelRoots(this.extensionUri), retainContextWhenHidden: false });
    this.adopt(panel, selected);
  }

  /** Serializer: restores the panel after a reload with the state the view saved (filters, page, tab). */
  serializer(): vscode.WebviewPanelSerializer<ViewState> {
    return { deserializeWebviewPanel: async (panel, state) => { this.current?.dispose(); this.adopt(panel, state ?? undefined); } };
  }

  /** Relay an engine event (runStarted, itemProgress, itemDone, runFinished) to the open view. */
  live(event: LiveEvent): void { this.current?.live(event); }

  private adopt(panel: vscode.WebviewPanel, restore: ViewState | undefined): void {
    const view = new HistoryPanel(panel, this.extensionUri, this.backend, this.pending ?? restore, () => { if (this.current === view) this.current = undefined; });
    this.pending = undefined;
    this.current = view;
  }

  dispose(): void { this.current?.dispose(); }
}

/** One webview panel of the history view. */
class HistoryPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri,
    private readonly backend: HistoryBackend, private readonly restore: ViewState | undefined, private readonly onClosed: () => void) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: panelRoots(extensionUri) };
    const uri = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    webview.html = historyHtml({ cspSource: webview.cspSource, scriptUri: uri('dist', 'webview.js'), styleUri: uri('media', 'history.css'),
      codiconUri: uri('dist', 'codicons', 'codicon.css') });
    this.disposables.push(webview.onDidReceiveMessage((m: ViewToHost) => this.onMessage(m)));
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
  }

  reveal(state: ViewState | undefined): void {
    this.panel.reveal();
    if (state) void this.post({ type: 'restore', state });
  }

  live(event: LiveEvent): void { void this.post({ type: 'live', live: event }); }

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
    this.onClosed();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

const FOCUS_GROUP = ['First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Eighth'];

/**
 * After a reload VS Code revives a restored webview only when its tab is shown: a history tab in
 * the background is not adopted yet, and creating a panel would make a second one. Shows that tab
 * instead (its group, then its index); false when there is none.
 */
async function revealRestoredTab(): Promise<boolean> {
  for (const group of vscode.window.tabGroups.all) {
    const index = group.tabs.findIndex((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(WebviewTypes.history));
    const focus = FOCUS_GROUP[group.viewColumn - 1];
    if (index < 0 || !focus) continue;
    await vscode.commands.executeCommand(`workbench.action.focus${focus}EditorGroup`);
    await vscode.commands.executeCommand('workbench.action.openEditorAtIndex', index);
    return true;
  }
  return false;
}

function panelRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}
