// The only row of the Work Items tree while the settings name an organization the user has not
// connected to: "Connect to <host>…". Nothing is sent to that host until the user runs it.
import * as vscode from 'vscode';
import { Commands } from '../../shared/ids';
import { NodeContext, TreeNode } from './treeNode';

export class ConnectNode extends TreeNode {
  constructor(readonly orgUrl: string, readonly host: string) {
    super(undefined);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Connect to ${this.host}…`, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('plug');
    item.description = 'not connected';
    item.tooltip = new vscode.MarkdownString(
      `This workspace's settings name \`${this.orgUrl}\`, which you have not connected to from here.\n\n`
      + 'Nothing is sent to it, and no credentials, until you connect to it yourself.');
    item.contextValue = NodeContext.message;
    item.command = { command: Commands.connect, title: 'Connect' };
    return item;
  }
}
