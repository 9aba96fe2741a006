// Commands on one attachment of the tree: Download, Open (downloaded to the mirror folder,
// then opened in VS Code), Reveal in Explorer, Remove from Work Item (modal confirmation),
// Delete Local Record (soft: ADO untouched).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ItemOutcome } from '../../core/sync/engineApi';
import { Commands } from '../../shared/ids';
import type { AttachmentNode } from '../tree/attachmentNode';
import type { CommandDeps } from './deps';
import { offerRetry, showFailure, withTransferProgress } from './progress';
import { attachmentTarget } from './targets';

export function registerAttachmentCommands(deps: CommandDeps): vscode.Disposable[] {
  const on = <T>(run: (node: AttachmentNode) => Promise<T>) => (arg?: unknown) => {
    const node = attachmentTarget(arg);
    return node ? run(node) : undefined;
  };
  return [
    vscode.commands.registerCommand(Commands.downloadAttachment, on((node) => download(deps, node))),
    vscode.commands.registerCommand(Commands.openAttachment, on((node) => open(deps, node))),
    vscode.commands.registerCommand(Commands.revealAttachment, on((node) => reveal(deps, node))),
    vscode.commands.registerCommand(Commands.removeAttachment, on((node) => remove(deps, node))),
    vscode.commands.registerCommand(Commands.deleteLocalRecord, on((node) => deleteLocalRecord(deps, node))),
  ];
}

/** Downloads into the mirror folder; resolves to the local path, or undefined when it failed. */
async function download(deps: CommandDeps, node: AttachmentNode): Promise<string | undefined> {
  const { attachmentId, fileName, size } = node.entry;
  if (!attachmentId) {
    void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is not in Azure DevOps yet: there is nothing to download.', fileName));
    return undefined;
  }
  const engine = await deps.sync.requireEngine();
  if (!engine) return undefined;
  let outcome: ItemOutcome;
  try {
    outcome = await withTransferProgress(deps, vscode.l10n.t('Downloading "{0}"', fileName), { workItemIds: [node.workItemId], expectedBytes: size }, (signal) =>
      engine.download(node.workItemId, attachmentId, { signal }),
    );
  } catch (error) {
    return showFailure(deps.log, vscode.l10n.t('Downloading "{0}"', fileName), error);
  } finally {
    deps.refresh();
  }
  if (outcome.status === 'failed' || !outcome.localPath) {
    void offerRetry(vscode.l10n.t('Downloading "{0}" failed: {1}', fileName, outcome.error?.message ?? outcome.status), () => download(deps, node));
    return undefined;
  }
  return outcome.localPath;
}

async function open(deps: CommandDeps, node: AttachmentNode): Promise<string | undefined> {
  const local = existingLocalPath(node) ?? (await download(deps, node));
  if (!local) return undefined;
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(local));
  return local;
}

async function reveal(deps: CommandDeps, node: AttachmentNode): Promise<boolean> {
  let local = existingLocalPath(node);
  if (!local) {
    const downloadLabel = vscode.l10n.t('Download');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is not downloaded yet.', node.entry.fileName), downloadLabel);
    local = choice === downloadLabel ? await download(deps, node) : undefined;
    if (!local) return false;
  }
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(local));
  return true;
}

function existingLocalPath(node: AttachmentNode): string | undefined {
  const local = node.entry.localPath;
  return local && existsSync(local) ? local : undefined;
}

async function remove(deps: CommandDeps, node: AttachmentNode): Promise<boolean> {
  const { attachmentId, fileName } = node.entry;
  if (!attachmentId) return false;
  const removeLabel = vscode.l10n.t('Remove');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove "{0}" from work item {1} in Azure DevOps?', fileName, node.workItemId),
    { modal: true, detail: vscode.l10n.t('The attachment link is removed for everyone. Your local copy is kept.') },
    removeLabel,
  );
  if (choice !== removeLabel) return false;
  const engine = await deps.sync.requireEngine();
  if (!engine) return false;
  try {
    const outcome = await engine.removeFromWorkItem(node.workItemId, attachmentId);
    if (outcome.status === 'failed') {
      void offerRetry(vscode.l10n.t('Removing "{0}" failed: {1}', fileName, outcome.error?.message ?? vscode.l10n.t('unknown error')), () => remove(deps, node));
      return false;
    }
    return true;
  } catch (error) {
    return showFailure(deps.log, vscode.l10n.t('Removing "{0}"', fileName), error) ?? false;
  } finally {
    deps.refresh();
  }
}

/** Soft delete of the local record: the file and ADO stay; the next sync treats it as unknown. */
async function deleteLocalRecord(deps: CommandDeps, node: AttachmentNode): Promise<boolean> {
  const engine = await deps.sync.requireEngine();
  if (!engine) return false;
  const deleted = node.entry.attachmentId ? await engine.deleteLocalRecord(node.entry.attachmentId) : await softDeleteByFile(deps, node);
  deps.refresh();
  if (!deleted) void vscode.window.showInformationMessage(vscode.l10n.t('There is no local record of "{0}".', node.entry.fileName));
  return deleted;
}

/** A record that never reached ADO (a failed upload) has no attachment id: find it by file. */
async function softDeleteByFile(deps: CommandDeps, node: AttachmentNode): Promise<boolean> {
  const store = await deps.sync.store();
  const row = store?.attachments.forWorkItem(node.workItemId).find((r) => r.fileName === node.entry.fileName && r.localPath === (node.entry.localPath ?? null));
  if (!store || !row) return false;
  store.attachments.softDelete(row.id);
  return true;
}
