// Background sync every adoSync.pollIntervalSeconds (0 = off): the engine's coordinator polls the
// change feed on that interval and syncs what changed or is still dirty. This only keeps the
// coordinator's interval in step with the connection and the setting, and tells it about files
// changed in the mirror folder (a file watcher, one trigger among the others). Never prompts: without a
// connection or an engine nothing starts, and failures go to the log and the status bar.
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../shared/ids';
import type { SyncAccess } from './commands';
import type { Connection } from './connection';
import { readSettings } from './settings';
import { errorMessage } from '../core/errorMessage';

export class BackgroundSync implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  /** Files changed in the mirror folder mark their work item dirty at once (no wait for the next poll). */
  private watcher: { root: string; disposable: vscode.Disposable } | undefined;

  constructor(private readonly connection: Connection, private readonly sync: SyncAccess, private readonly log: vscode.LogOutputChannel) {
    this.subscriptions = [
      connection.onDidChange(() => void this.apply()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTINGS_SECTION) && void this.apply()),
    ];
    void this.apply();
  }

  /** Milliseconds until the next poll, for tests and diagnostics; undefined when off. */
  async nextRunInMs(): Promise<number | undefined> {
    const next = (await this.sync.engine())?.state().nextPollAt;
    return next === undefined ? undefined : Math.max(0, next.getTime() - Date.now());
  }

  private async apply(): Promise<void> {
    try {
      // engine(), not requireEngine(): background work must never ask the user anything.
      const engine = this.connection.current ? await this.sync.engine() : undefined;
      if (!engine) return;
      const seconds = readSettings().pollIntervalSeconds;
      engine.start({ pollIntervalMs: seconds > 0 ? seconds * 1000 : 0 });
      this.watch(engine);
    } catch (error) {
      this.log.warn(`Background sync not started: ${errorMessage(error)}`);
    }
  }

  private watch(engine: { mirrorRoot: string; localFileChanged(filePath: string): void }): void {
    if (this.watcher?.root === engine.mirrorRoot) return;
    this.watcher?.disposable.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(engine.mirrorRoot), '*/*'));
    const changed = (uri: vscode.Uri): void => void this.sync.engine().then((current) => current?.localFileChanged(uri.fsPath), () => undefined);
    this.watcher = { root: engine.mirrorRoot, disposable: vscode.Disposable.from(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed)) };
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.watcher?.disposable.dispose();
  }
}
