// Base of every node of the Work Items tree (after vscode-pull-request-github's TreeNode): one
// file per node kind; each node renders itself and lists its children.
import type * as vscode from 'vscode';

export abstract class TreeNode {
  constructor(readonly parent: TreeNode | undefined) {}

  abstract getTreeItem(): vscode.TreeItem;

  getChildren(): TreeNode[] | Promise<TreeNode[]> {
    return [];
  }
}

/** contextValue prefixes matched by `viewItem` in package.json's when clauses. */
export const NodeContext = {
  group: 'group',
  workItemTracked: 'workItem:tracked',
  workItemUntracked: 'workItem:untracked',
  attachment: 'attachment',
  message: 'message',
} as const;
