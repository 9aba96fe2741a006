// The last row of a group with more work items than it shows: click to show the next page.
import * as vscode from 'vscode';
import { Commands } from '../../shared/ids';
import { NodeContext, TreeNode } from './treeNode';
import type { GroupKind } from './groupSpec';

export class LoadMoreNode extends TreeNode {
  constructor(parent: TreeNode, readonly group: GroupKind, readonly shown: number, readonly total: number, readonly page: number) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const next = Math.min(this.page, this.total - this.shown);
    const item = new vscode.TreeItem(vscode.l10n.t('Load {0} more…', next), vscode.TreeItemCollapsibleState.None);
    item.id = `more-${this.group}-${this.shown}`;
    item.description = vscode.l10n.t('{0} of {1} shown', this.shown.toLocaleString('en-US'), this.total.toLocaleString('en-US'));
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = NodeContext.message;
    item.command = { command: Commands.loadMore, title: vscode.l10n.t('Load More'), arguments: [this.group] };
    return item;
  }
}
