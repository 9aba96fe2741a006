// Find Duplicates of File: the same content (SHA-256) already attached to work items, from the
// local records of tracked work items and the de-duplication index.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sha256OfFile } from '../../core/ado';
import type { SyncStore } from '../../core/store';
import { Commands } from '../../shared/ids';
import type { CommandDeps } from './deps';
import { showFailure } from './progress';
import { chooseFiles, invokedFiles } from './targets';

export interface DuplicateMatch {
  workItemId: number;
  fileName: string;
  localPath?: string;
  attachmentUrl?: string;
}

export function registerDuplicateCommands(deps: CommandDeps): vscode.Disposable[] {
  return [vscode.commands.registerCommand(Commands.findDuplicates, (arg?: unknown) => findDuplicates(deps, arg))];
}

async function findDuplicates(deps: CommandDeps, arg: unknown): Promise<DuplicateMatch[] | undefined> {
  const invoked = invokedFiles(arg, undefined);
  const [file] = invoked.length > 0 ? invoked : await chooseFiles(vscode.l10n.t('Find work items that already have this file'), deps.syncFolder(), false);
  if (!file) return undefined;
  const store = await deps.sync.store();
  if (!store) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Connect to Azure DevOps and open a folder to look for duplicates.'));
    return undefined;
  }
  let matches: DuplicateMatch[];
  try {
    const { sha256 } = await sha256OfFile(file.fsPath);
    matches = duplicatesOf(store, sha256, file.fsPath);
  } catch (error) {
    return showFailure(deps.log, vscode.l10n.t('Hashing "{0}"', path.basename(file.fsPath)), error);
  }
  void showMatches(path.basename(file.fsPath), matches);
  return matches;
}

/** Records with the same content, other than the file itself; the index adds the first upload of it. */
export function duplicatesOf(store: SyncStore, sha256: string, ownPath?: string): DuplicateMatch[] {
  const rows = store.trackedItems.list().flatMap((item) => store.attachments.forWorkItem(item.workItemId));
  const matches: DuplicateMatch[] = rows
    .filter((row) => row.sha256?.toLowerCase() === sha256 && row.localPath !== ownPath)
    .map((row) => ({ workItemId: row.workItemId, fileName: row.fileName, localPath: row.localPath ?? undefined, attachmentUrl: row.attachmentUrl ?? undefined }));
  const indexed = store.dedup.findAll(sha256)[0];
  if (indexed && !matches.some((m) => m.workItemId === indexed.firstWorkItemId)) {
    matches.push({ workItemId: indexed.firstWorkItemId, fileName: path.basename(indexed.attachmentUrl.split('?')[0]), attachmentUrl: indexed.attachmentUrl });
  }
  return matches;
}

async function showMatches(name: string, matches: DuplicateMatch[]): Promise<void> {
  if (matches.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No work item has the content of "{0}" yet.', name));
    return;
  }
  const picked = await vscode.window.showQuickPick(
    matches.map((match) => ({ label: `${match.workItemId} ${match.fileName}`, description: match.localPath ?? vscode.l10n.t('in Azure DevOps'), match })),
    { title: vscode.l10n.t('"{0}" is already attached to {1} work item(s)', name, matches.length), placeHolder: vscode.l10n.t('Pick one to open its local copy') },
  );
  if (picked?.match.localPath) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(picked.match.localPath));
}
