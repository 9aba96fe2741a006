// A leaf that tells the user why a group is empty or failed to load.
import * as vscode from 'vscode';
import { NodeContext, TreeNode } from './treeNode';

export class MessageNode extends TreeNode {
  constructor(parent: TreeNode | undefined, readonly message: string, readonly kind: 'info' | 'error' = 'info') {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.iconPath = this.kind === 'error' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('info');
    item.contextValue = NodeContext.message;
    if (this.kind === 'error') item.tooltip = `${this.message}\n${vscode.l10n.t('See ADO Sync: Show Log for details.')}`;
    return item;
  }
}
