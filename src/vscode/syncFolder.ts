// The workspace folder attachments are synced with. A multi-root workspace has one session (one
// connection, mirror and database), so the user picks its folder: the choice is kept per
// workspace, said once when first made for them, shown on the Work Items view, and changed with
// "ADO Sync: Select Sync Folder...". Its settings (resource scope) are the ones read.
import * as vscode from 'vscode';
import { Commands } from '../shared/ids';

const CHOICE_KEY = 'adoSync.syncFolder';
const ANNOUNCED_KEY = 'adoSync.syncFolderAnnounced';

export class SyncFolder implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.WorkspaceFolder | undefined>();
  private readonly subscriptions: vscode.Disposable[];
  private last: string | undefined;
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {
    this.last = this.folder?.uri.toString();
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.fireIfChanged()),
      vscode.commands.registerCommand(Commands.selectSyncFolder, () => this.pick()),
    ];
  }

  /** The chosen folder while it is open, else the first; undefined without a folder. */
  get folder(): vscode.WorkspaceFolder | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const chosen = this.memento.get<string>(CHOICE_KEY);
    return folders.find((f) => f.uri.toString() === chosen) ?? folders[0];
  }

  /** The scope settings are read in: the folder's own settings apply. */
  get scope(): vscode.Uri | undefined {
    return this.folder?.uri;
  }

  /** True when the workspace has several folders (only then is there a choice to show). */
  get isMultiRoot(): boolean {
    return (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  }

  /** Says once per workspace which folder is used when the user never picked one. */
  async announce(): Promise<void> {
    const folder = this.folder;
    if (!this.isMultiRoot || !folder || this.memento.get<string>(CHOICE_KEY) || this.memento.get<boolean>(ANNOUNCED_KEY)) return;
    await this.memento.update(ANNOUNCED_KEY, true);
    const change = vscode.l10n.t('Select Sync Folder...');
    const pick = await vscode.window.showInformationMessage(
      vscode.l10n.t('ADO Sync keeps attachments of this multi-root workspace in the folder "{0}" (its mirror, database and settings).', folder.name), change);
    if (pick) await this.pick();
  }

  /** QuickPick of the open folders; the choice is kept for this workspace. */
  async pick(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder: attachments are synced with a workspace folder.'));
      return undefined;
    }
    const current = this.folder;
    const picked = await vscode.window.showQuickPick(
      folders.map((f) => ({ label: f.name, description: f === current ? vscode.l10n.t('in use') : undefined, detail: f.uri.fsPath, folder: f })),
      { title: vscode.l10n.t('Sync attachments with which folder?'), placeHolder: vscode.l10n.t('Its mirror folder, sync database and adoSync settings are used') });
    if (!picked) return undefined;
    await this.memento.update(CHOICE_KEY, picked.folder.uri.toString());
    this.fireIfChanged();
    return picked.folder;
  }

  private fireIfChanged(): void {
    const now = this.folder?.uri.toString();
    if (now === this.last) return;
    this.last = now;
    this.changed.fire(this.folder);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
