// The extension's sync session: one store (sql.js, opened lazily on first use, never at
// activation) and one engine per connection, shared by the tree, the commands, the status bar and
// the history view. Lifecycle logic lives in syncSessionCore.ts (vscode-free, unit-tested).
//
// API for the rest of the extension (keep it this small):
//   events             SyncEvents of every engine this session makes (subscribe any time)
//   engine()/store()   the engine / store of the current connection (undefined when not connected)
//   historyStore()     the store even when not connected, for viewing history
//   requireEngine()    engine() that tells the user why there is none
//   onDidChange        store opened/closed/read-only; onDidFinishRun: how each run ended
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openStore, type StoreCorruptError, type StoreWriteError, type SyncStore } from '../core/store';
import type { SyncEngine, SyncEngineOptions } from '../core/sync/engineApi';
import type { SyncEvents } from '../core/sync/events';
import { Commands, SETTINGS_SECTION } from '../shared/ids';
import type { Connection } from './connection';
import { readSettings } from './settings';
import type { SyncFolder } from './syncFolder';
import { SyncSessionCore, type RunOutcome, type SessionStatus, type SessionTarget } from './syncSessionCore';

export type { RunOutcome, SessionStatus };

export const STATE_FILE = 'state.sqlite';

/** Settings the engine or the store read when made (the connection's own are handled by Connection). */
const ENGINE_SETTINGS = ['dbPath', 'storagePath', 'chunkSize', 'maxFileSize', 'uploadMaxRetries', 'conflictPolicy', 'maxDeleteShare', 'retentionDays'] as const;

export class SyncSession implements vscode.Disposable {
  private readonly core: SyncSessionCore;
  private readonly changed = new vscode.EventEmitter<SessionStatus>();
  private readonly finished = new vscode.EventEmitter<RunOutcome>();
  private readonly storeProblem = new vscode.EventEmitter<StoreWriteError | undefined>();
  /** The damage already told to the user: once per damaged file. */
  private toldDamage: StoreCorruptError | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChange = this.changed.event;
  readonly onDidFinishRun = this.finished.event;
  /** Saving the database fails (a full disk) or works again (undefined). */
  readonly onStoreProblem = this.storeProblem.event;

  constructor(
    context: vscode.ExtensionContext,
    private readonly connection: Connection,
    folder: SyncFolder,
    createEngine: (options: SyncEngineOptions) => SyncEngine,
    log: vscode.LogOutputChannel,
  ) {
    const version = String(context.extension.packageJSON.version ?? '0.0.0');
    this.core = new SyncSessionCore({
      openStore, createEngine, origin: { client: 'vscode', version },
      target: () => sessionTarget(context, folder),
      log: (level, message) => log[level](message),
    });
    const offChange = this.core.onDidChange((s) => {
      this.changed.fire(s);
      if (s.kind === 'open') this.tellDamage(log);
      if (s.kind === 'open' && s.readOnly) void this.explainReadOnly(s);
    });
    const offRun = this.core.onDidFinishRun((o) => this.finished.fire(o));
    const offProblem = this.core.onStoreProblem((p) => this.storeProblem.fire(p));
    this.disposables.push(this.changed, this.finished, this.storeProblem, { dispose: offChange }, { dispose: offRun }, { dispose: offProblem },
      connection.onDidChange((state) => { void this.core.setClient(state?.client); }),
      // Another folder of a multi-root workspace: its own database and mirror.
      folder.onDidChange(() => { void this.core.settingsChanged(true); }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (ENGINE_SETTINGS.some((key) => e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`))) {
          void this.core.settingsChanged(e.affectsConfiguration(`${SETTINGS_SECTION}.dbPath`));
        }
      }));
    if (connection.current) void this.core.setClient(connection.current.client);
  }

  get events(): SyncEvents { return this.core.events; }
  get status(): SessionStatus { return this.core.status; }
  /** The store if already open; never opens it. */
  get openedStore(): SyncStore | undefined { return this.core.openedStore; }

  /** The engine of the current connection (opens the store on first use). */
  engine(): Promise<SyncEngine | undefined> { return this.core.engine(); }

  /** The store of the current connection; undefined when not connected or no folder is open. */
  async store(): Promise<SyncStore | undefined> { return this.connection.current ? this.core.store() : undefined; }

  /** The store whether connected or not: history is local and stays viewable after sign-out. */
  historyStore(): Promise<SyncStore | undefined> { return this.core.store(); }

  /** engine(), or a message saying why there is none (not connected, no folder, database in use). */
  async requireEngine(): Promise<SyncEngine | undefined> {
    const engine = await this.core.engine();
    if (engine) return engine;
    const status = this.core.status;
    if (!this.connection.current) {
      // Not awaited: the command that asked ends now; the button runs on its own.
      void this.explainDisconnected();
    } else if (status.kind === 'noFolder') {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder: attachments are synced with a workspace folder.'));
    } else if (status.kind === 'open' && status.readOnly) {
      void this.explainReadOnly(status);
    }
    return undefined;
  }

  private async explainDisconnected(): Promise<void> {
    const why = this.connection.disconnected;
    if (why.kind === 'restricted') {
      const pick = await vscode.window.showWarningMessage(vscode.l10n.t('ADO Sync does not connect in Restricted Mode: trust this workspace to sync its attachments.'), vscode.l10n.t('Manage Workspace Trust'));
      if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    const text = why.kind === 'consentNeeded'
      ? vscode.l10n.t("This workspace's settings name {0}, which you have not connected to: nothing is sent to it until you connect.", why.host)
      : vscode.l10n.t('Connect to Azure DevOps first.');
    const pick = await vscode.window.showWarningMessage(text, vscode.l10n.t('Connect'));
    if (pick) await vscode.commands.executeCommand(Commands.connect);
  }

  /** Flushes and closes (sign-out, deactivate): waits for runs in flight first. */
  close(): Promise<void> { return this.core.close(); }

  /** A damaged database (replaced, or left in place when read-only) is said once, with the log at hand. */
  private tellDamage(log: vscode.LogOutputChannel): void {
    const damage = this.core.openedStore?.damaged;
    if (!damage || damage === this.toldDamage) return;
    this.toldDamage = damage;
    void vscode.window.showErrorMessage(damage.message, vscode.l10n.t('Show Log')).then((pick) => { if (pick) log.show(); });
  }

  private async explainReadOnly(status: Extract<SessionStatus, { readOnly: true }>): Promise<void> {
    const showHistory = vscode.l10n.t('Show History (read-only)');
    const tryAgain = vscode.l10n.t('Try Again');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('The sync database is in use by another process (pid {0} on {1}, e.g. the ado-sync CLI). Sync History is shown read-only and syncing is paused until it is released.', status.lockedBy.pid, status.lockedBy.host),
      showHistory, tryAgain);
    if (pick === showHistory) await vscode.commands.executeCommand(Commands.showHistory);
    if (pick === tryAgain) await this.core.reopen();
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/**
 * The database: adoSync.dbPath when the user set it (shared with the CLI), else state.sqlite in
 * the workspace storage folder (one per folder of a multi-root workspace). Undefined without an
 * open folder.
 */
export function sessionTarget(context: vscode.ExtensionContext, syncFolder: SyncFolder): SessionTarget | undefined {
  const folder = syncFolder.folder;
  if (!folder || folder.uri.scheme !== 'file' || !context.storageUri) return undefined;
  const settings = readSettings(folder.uri);
  const root = folder.uri.fsPath;
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect<string>('dbPath');
  // inspect() reports workspace values even in Restricted Mode, where only the user's own apply.
  const explicit = vscode.workspace.isTrusted ? inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue : inspected?.globalValue;
  const storage = syncFolder.isMultiRoot ? path.join(context.storageUri.fsPath, folderStorageName(folder)) : context.storageUri.fsPath;
  const dbPath = explicit ? path.resolve(root, explicit) : path.join(storage, STATE_FILE);
  return { dbPath, workspaceRoot: root, settings };
}

/** A folder's own subfolder of the workspace storage: its name plus a short hash of its URI. */
function folderStorageName(folder: vscode.WorkspaceFolder): string {
  const hash = createHash('sha256').update(folder.uri.toString()).digest('hex').slice(0, 8);
  return `${folder.name.replace(/[^\w.-]+/g, '_')}-${hash}`;
}
