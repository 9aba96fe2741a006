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
    const item = new vscode.TreeItem(vscode.l10n.t('Connect to {0}…', this.host), vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('plug');
    item.description = vscode.l10n.t('not connected');
    item.tooltip = new vscode.MarkdownString(
      vscode.l10n.t("This workspace's settings name `{0}`, which you have not connected to from here.\n\nNothing is sent to it, and no credentials, until you connect to it yourself.", this.orgUrl));
    item.contextValue = NodeContext.message;
    item.command = { command: Commands.connect, title: 'Connect' };
    return item;
  }
}
