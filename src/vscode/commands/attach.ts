// Attach Files to Work Item...: from the Explorer (multi-select), the editor title/context, the
// palette (file dialog), a work item in the tree, or a drop on it. Uploads with progress; the
// engine tracks the work item, so its attachments keep syncing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ItemOutcome, RunSummary } from '../../core/sync/engineApi';
import { Commands } from '../../shared/ids';
import { WorkItemNode } from '../tree/workItemNode';
import type { CommandDeps } from './deps';
import { reportRun, showFailure, withTransferProgress } from './progress';
import { chooseFiles, invokedFiles, workItemTarget } from './targets';

export function registerAttachCommands(deps: CommandDeps): vscode.Disposable[] {
  return [vscode.commands.registerCommand(Commands.attachFiles, (arg?: unknown, selection?: unknown) => attachCommand(deps, arg, selection))];
}

async function attachCommand(deps: CommandDeps, arg: unknown, selection: unknown): Promise<RunSummary | undefined> {
  const fromTree = arg instanceof WorkItemNode ? arg : undefined;
  let files = fromTree ? [] : invokedFiles(arg, selection);
  if (files.length === 0) files = await chooseFiles(fromTree ? vscode.l10n.t('Attach files to work item {0}', fromTree.id) : vscode.l10n.t('Attach files to a work item'), deps.syncFolder());
  files = await regularFiles(files);
  if (files.length === 0) return undefined;
  const target = await workItemTarget(deps, fromTree ?? (typeof arg === 'number' ? arg : undefined), vscode.l10n.t('Attach {0} to work item', describeFiles(files)));
  if (!target) return undefined;
  return attachUris(deps, target.id, files);
}

/** Uploads and links files to a work item (also the drop target's action). */
export async function attachUris(deps: CommandDeps, workItemId: number, files: readonly vscode.Uri[]): Promise<RunSummary | undefined> {
  const engine = await deps.sync.requireEngine();
  if (!engine) return undefined;
  const paths = files.map((uri) => uri.fsPath);
  const names = paths.map((file) => path.basename(file));
  const expectedBytes = (await Promise.all(files.map((uri) => vscode.workspace.fs.stat(uri)))).reduce((sum, stat) => sum + stat.size, 0);
  deps.transfers.queue(workItemId, names);
  deps.refresh();
  let summary: RunSummary;
  try {
    summary = await withTransferProgress(deps, vscode.l10n.t('Attaching {0} to work item {1}', describeFiles(files), workItemId), { workItemIds: [workItemId], expectedBytes }, (signal) =>
      engine.attach({ files: paths, workItemId, trigger: 'attach', signal }),
    );
  } catch (error) {
    return showFailure(deps.log, vscode.l10n.t('Attaching to work item {0}', workItemId), error);
  } finally {
    deps.transfers.clear(workItemId, names);
    deps.refresh();
  }
  // Retry sends again only the files that can go through (not those over a limit).
  void reportRun(summary, vscode.l10n.t('Attach to work item {0}', workItemId), (items) => attachUris(deps, workItemId, retryFiles(files, items)));
  return summary;
}

/** The files of the failed items (by path, else by name); all of them when the run failed as a whole. */
function retryFiles(files: readonly vscode.Uri[], items: readonly ItemOutcome[]): vscode.Uri[] {
  if (items.length === 0) return [...files];
  const paths = new Set(items.map((item) => item.localPath).filter((p): p is string => p !== undefined));
  const names = new Set(items.map((item) => item.fileName));
  return files.filter((uri) => paths.has(uri.fsPath) || names.has(path.basename(uri.fsPath)));
}

/** Folders in a multi-selection are skipped with a word, not uploaded as nothing. */
async function regularFiles(uris: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
  const stats = await Promise.all(uris.map((uri) => Promise.resolve(vscode.workspace.fs.stat(uri)).then((stat) => stat, () => undefined)));
  const files = uris.filter((_, i) => ((stats[i]?.type ?? 0) & vscode.FileType.File) !== 0);
  if (files.length < uris.length) void vscode.window.showWarningMessage(vscode.l10n.t('Skipped {0} folder(s) or missing file(s): only files can be attached.', uris.length - files.length));
  return files;
}

function describeFiles(files: readonly vscode.Uri[]): string {
  return files.length === 1 ? `"${path.basename(files[0].fsPath)}"` : vscode.l10n.t('{0} files', files.length);
}
