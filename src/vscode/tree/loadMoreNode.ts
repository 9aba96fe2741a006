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
    const item = new vscode.TreeItem(`Load ${next} more…`, vscode.TreeItemCollapsibleState.None);
    item.id = `more-${this.group}-${this.shown}`;
    item.description = `${this.shown.toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')} shown`;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = NodeContext.message;
    item.command = { command: Commands.loadMore, title: 'Load More', arguments: [this.group] };
    return item;
  }
}
