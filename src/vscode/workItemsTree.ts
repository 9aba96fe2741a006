// The Work Items tree: "Assigned to Me" from WIQL once connected; empty (welcome view) otherwise.
import * as vscode from 'vscode';
import type { WorkItem } from '../core/ado';
import type { Connection } from './connection';

const ASSIGNED_TO_ME = "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.AssignedTo] = @me ORDER BY [System.ChangedDate] DESC";

export class GroupNode {
  constructor(readonly label: string, readonly wiql: string) {}
}
export class WorkItemNode {
  constructor(readonly item: WorkItem) {}
}
type Node = GroupNode | WorkItemNode;

export class WorkItemsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connection: Connection, private readonly log: vscode.LogOutputChannel) {
    this.subscription = connection.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof GroupNode) {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.contextValue = 'group';
      return item;
    }
    const fields = node.item.fields;
    const item = new vscode.TreeItem(`${node.item.id} ${String(fields['System.Title'] ?? '')}`, vscode.TreeItemCollapsibleState.None);
    item.description = String(fields['System.State'] ?? '');
    item.tooltip = `${String(fields['System.WorkItemType'] ?? 'Work item')} ${node.item.id}: ${String(fields['System.Title'] ?? '')}`;
    item.iconPath = new vscode.ThemeIcon('issues');
    item.contextValue = 'workItem';
    item.id = `wi-${node.item.id}`;
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    const state = this.connection.current;
    if (!state) return [];
    if (!node) return [new GroupNode('Assigned to Me', ASSIGNED_TO_ME)];
    if (node instanceof WorkItemNode) return [];
    try {
      const { ids } = await state.client.queryWorkItemIds(node.wiql);
      const items = await state.client.getWorkItems(ids.slice(0, 200));
      return items.filter((item): item is WorkItem => item !== null).map((item) => new WorkItemNode(item));
    } catch (error) {
      this.log.error(`Loading "${node.label}" failed: ${String(error)}`);
      return [];
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
