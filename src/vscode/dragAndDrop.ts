// Dropping files (from the Explorer or the OS) on a work item in the tree attaches them
// ('text/uri-list', as in vscode-extension-samples' tree drag and drop).
import * as vscode from 'vscode';
import { attachUris, type CommandDeps } from './commands';
import { AttachmentNode } from './tree/attachmentNode';
import type { TreeNode } from './tree/treeNode';
import { WorkItemNode } from './tree/workItemNode';

const URI_LIST = 'text/uri-list';

export class WorkItemDropController implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dropMimeTypes = [URI_LIST];
  readonly dragMimeTypes: string[] = [];

  constructor(private readonly deps: CommandDeps) {}

  async handleDrop(target: TreeNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const workItem = dropTarget(target);
    const item = data.get(URI_LIST);
    if (!workItem || !item || token.isCancellationRequested) return;
    const uris = parseUriList(await item.asString()).filter((uri) => uri.scheme === 'file');
    if (uris.length > 0) await attachUris(this.deps, workItem.id, uris);
  }
}

/** A drop on an attachment attaches to its work item. */
function dropTarget(target: TreeNode | undefined): WorkItemNode | undefined {
  if (target instanceof WorkItemNode) return target;
  if (target instanceof AttachmentNode && target.parent instanceof WorkItemNode) return target.parent;
  return undefined;
}

/** RFC 2483: one URI per line, '#' lines are comments. */
export function parseUriList(text: string): vscode.Uri[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => {
      try {
        return [vscode.Uri.parse(line, true)];
      } catch {
        return [];
      }
    });
}
