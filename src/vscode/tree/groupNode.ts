// A top-level group: Tracked, Assigned to Me, or the query of adoSync.workItemQuery.
import * as vscode from 'vscode';
import type { WorkItem } from '../../core/ado';
import { MessageNode } from './messageNode';
import { errorMessage } from '../../core/errorMessage';
import type { TreeEnv } from './treeEnv';
import { NodeContext, TreeNode } from './treeNode';
import { WorkItemNode } from './workItemNode';

export type GroupKind = 'tracked' | 'assigned' | 'query';

export const ASSIGNED_TO_ME_WIQL =
  'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.AssignedTo] = @me ORDER BY [System.ChangedDate] DESC';

/** workitemsbatch reads 200 ids at most; a tree of more is not readable anyway. */
const MAX_ITEMS = 200;

export interface GroupSpec {
  readonly kind: GroupKind;
  readonly label: string;
  /** WIQL for assigned/query groups; tracked groups list the engine's tracked ids. */
  readonly wiql?: string;
}

export class GroupNode extends TreeNode {
  /** trackedIds: the engine's tracked work items, read once per refresh and shared by the groups. */
  constructor(
    private readonly env: TreeEnv,
    readonly spec: GroupSpec,
    private readonly trackedIds: () => Promise<ReadonlySet<number>>,
  ) {
    super(undefined);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group-${this.spec.kind}`;
    item.contextValue = `${NodeContext.group}:${this.spec.kind}`;
    item.iconPath = new vscode.ThemeIcon(this.spec.kind === 'tracked' ? 'sync' : this.spec.kind === 'assigned' ? 'account' : 'search');
    if (this.spec.wiql && this.spec.kind === 'query') item.tooltip = this.spec.wiql;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const state = this.env.connection.current;
    if (!state) return [];
    try {
      const tracked = await this.trackedIds();
      const ids = this.spec.wiql ? (await state.client.queryWorkItemIds(this.spec.wiql)).ids : [...tracked];
      if (ids.length === 0) return [new MessageNode(this, this.emptyText())];
      const items = await state.client.getWorkItems(ids.slice(0, MAX_ITEMS), { expand: 'relations', errorPolicy: 'omit' });
      return items.filter((item): item is WorkItem => item !== null).map((item) => new WorkItemNode(this, this.env, item, tracked.has(item.id)));
    } catch (error) {
      this.env.log.error(`Loading "${this.spec.label}" failed: ${errorMessage(error)}`);
      return [new MessageNode(this, `Could not load: ${errorMessage(error)}`, 'error')];
    }
  }

  private emptyText(): string {
    if (this.spec.kind === 'tracked') return 'No tracked work items. Attach a file or use Track Work Item.';
    return this.spec.kind === 'assigned' ? 'Nothing is assigned to you.' : 'The query returned no work items.';
  }
}
