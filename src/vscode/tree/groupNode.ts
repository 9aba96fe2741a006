// A top-level group: Tracked, Assigned to Me, or the query of adoSync.workItemQuery.
import * as vscode from 'vscode';
import type { WorkItem } from '../../core/ado';
import { PAGE_SIZE, type GroupSpec } from './groupSpec';
import { LoadMoreNode } from './loadMoreNode';
import { MessageNode } from './messageNode';
import { errorMessage } from '../../core/errorMessage';
import type { TreeEnv } from './treeEnv';
import { NodeContext, TreeNode } from './treeNode';
import { WorkItemNode } from './workItemNode';

export class GroupNode extends TreeNode {
  /**
   * trackedIds: the engine's tracked work items, read once per refresh and shared by the groups;
   * limit: how many of its work items the group shows now (pages the user loaded).
   */
  constructor(
    private readonly env: TreeEnv,
    readonly spec: GroupSpec,
    private readonly trackedIds: () => Promise<ReadonlySet<number>>,
    private readonly limit: () => number = () => PAGE_SIZE,
  ) {
    super(undefined);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group-${this.spec.kind}`;
    item.contextValue = `${NodeContext.group}:${this.spec.kind}`;
    item.iconPath = new vscode.ThemeIcon(this.spec.kind === 'tracked' ? 'sync' : this.spec.kind === 'assigned' ? 'account' : 'search');
    if (this.spec.wiql && this.spec.kind === 'query') item.tooltip = this.spec.wiql;
    if (this.spec.count !== undefined && this.spec.count > 0) item.description = this.spec.count === 1 ? vscode.l10n.t('1 work item') : vscode.l10n.t('{0} work items', this.spec.count.toLocaleString('en-US'));
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const state = this.env.connection.current;
    if (!state) return [];
    try {
      const tracked = await this.trackedIds();
      const ids = this.spec.wiql ? (await state.client.queryWorkItemIds(this.spec.wiql)).ids : [...tracked];
      if (ids.length === 0) return [new MessageNode(this, this.emptyText())];
      const shown = Math.min(ids.length, this.limit());
      const items = await state.client.getWorkItems(ids.slice(0, shown), { expand: 'relations', errorPolicy: 'omit' });
      const nodes: TreeNode[] = items.filter((item): item is WorkItem => item !== null).map((item) => new WorkItemNode(this, this.env, item, tracked.has(item.id)));
      return shown < ids.length ? [...nodes, new LoadMoreNode(this, this.spec.kind, shown, ids.length, PAGE_SIZE)] : nodes;
    } catch (error) {
      this.env.log.error(`Loading "${this.spec.label}" failed: ${errorMessage(error)}`);
      return [new MessageNode(this, vscode.l10n.t('Could not load: {0}', errorMessage(error)), 'error')];
    }
  }

  private emptyText(): string {
    if (this.spec.kind === 'tracked') return vscode.l10n.t('No tracked work items. Attach a file or use Track Work Item.');
    return this.spec.kind === 'assigned' ? vscode.l10n.t('Nothing is assigned to you.') : vscode.l10n.t('The query returned no work items.');
  }
}
