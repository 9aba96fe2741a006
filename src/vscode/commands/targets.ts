// What a command acts on: the tree node it was invoked on, or what the user picks.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickWorkItem, type PickedWorkItem } from '../workItemPicker';
import { AttachmentNode } from '../tree/attachmentNode';
import { WorkItemNode } from '../tree/workItemNode';
import type { CommandDeps } from './deps';

/** A work item node, a work item id (API, tests) or, from the palette, the picker. */
export async function workItemTarget(deps: CommandDeps, arg: unknown, title: string): Promise<PickedWorkItem | undefined> {
  if (arg instanceof WorkItemNode) return { id: arg.id, title: arg.title, type: arg.type };
  if (typeof arg === 'number' && Number.isInteger(arg) && arg > 0) return { id: arg, title: '', type: '' };
  return pickWorkItem(deps.connection, deps.memento, title);
}

export function attachmentTarget(arg: unknown): AttachmentNode | undefined {
  if (arg instanceof AttachmentNode) return arg;
  void vscode.window.showInformationMessage(vscode.l10n.t('Run this command from an attachment in the Work Items view.'));
  return undefined;
}

/**
 * Files of an Explorer/editor invocation: (uri, selectedUris) for a multi-selection, (uri) for
 * one file; none from the palette; (workItemId, absolute paths) from another extension or a test.
 * Only file: URIs, since the engine reads from disk.
 */
export function invokedFiles(arg: unknown, selection: unknown): vscode.Uri[] {
  const given: unknown[] = Array.isArray(selection) && selection.length > 0 ? selection : arg instanceof vscode.Uri ? [arg] : [];
  const uris = given.map((entry) => (typeof entry === 'string' && path.isAbsolute(entry) ? vscode.Uri.file(entry) : entry));
  return uris.filter((uri): uri is vscode.Uri => uri instanceof vscode.Uri && uri.scheme === 'file');
}

/** `from`: where the dialog opens (the sync folder). */
export async function chooseFiles(title: string, from: vscode.Uri | undefined, canSelectMany = true): Promise<vscode.Uri[]> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany,
    defaultUri: from,
    openLabel: vscode.l10n.t('Attach'),
  });
  return picked ?? [];
}
