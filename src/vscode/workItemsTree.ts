// The Work Items tree: Tracked, Assigned to Me and the adoSync.workItemQuery groups; work items
// with their attachments below. Nodes live in tree/ (one file per kind).
import * as vscode from 'vscode';
import { GroupNode } from './tree/groupNode';
import { ASSIGNED_TO_ME_WIQL, PAGE_SIZE, type GroupKind, type GroupSpec } from './tree/groupSpec';
import { ConnectNode } from './tree/connectNode';
import type { TreeEnv } from './tree/treeEnv';
import type { TreeNode } from './tree/treeNode';
import { WorkItemNode } from './tree/workItemNode';
import { readWorkItemQuery } from './settings';
import { errorMessage } from '../core/errorMessage';

/** A finished run changes counts and states everywhere: coalesce bursts into one reload. */
const RELOAD_DEBOUNCE_MS = 300;

export class WorkItemsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Work item nodes on screen, by id: transfers re-render just these. */
  private readonly shown = new Map<number, WorkItemNode[]>();
  private tracked: Promise<ReadonlySet<number>> | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** Work items each group shows (pages loaded with "Load more…"); kept across refreshes. */
  private readonly limits = new Map<GroupKind, number>();
  /** The group nodes on screen: "Load more…" re-renders just its group. */
  private shownGroups: GroupNode[] = [];

  constructor(private readonly env: TreeEnv) {
    this.subscriptions.push(
      env.connection.onDidChange(() => this.refresh()),
      env.transfers.onDidChange((workItemId) => this.rerender(workItemId)),
      // After a run (a poll, a webhook) only the work items it touched are read again, not the tree.
      env.transfers.onDidFinishRun((workItemIds) => void this.reloadItems(workItemIds)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('adoSync.workItemQuery') && this.refresh()),
    );
  }

  /** Reloads everything from ADO and the store. */
  refresh(): void {
    clearTimeout(this.reloadTimer);
    this.tracked = undefined;
    this.shown.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!this.env.connection.current) {
      // Empty shows the welcome (Connect); an organization named by settings is offered by name.
      const why = this.env.connection.disconnected;
      return !node && why.kind === 'consentNeeded' ? [new ConnectNode(why.orgUrl, why.host)] : [];
    }
    const children = node ? await node.getChildren() : await this.groups();
    for (const child of children) if (child instanceof WorkItemNode) this.remember(child);
    return children;
  }

  /** Shows the next page of a group's work items. */
  loadMore(kind: GroupKind): void {
    this.limits.set(kind, (this.limits.get(kind) ?? PAGE_SIZE) + PAGE_SIZE);
    const group = this.shownGroups.find((g) => g.spec.kind === kind);
    this.changed.fire(group);
  }

  private async groups(): Promise<GroupNode[]> {
    const tracked = await this.trackedIds();
    const specs: GroupSpec[] = [
      { kind: 'tracked', label: vscode.l10n.t('Tracked'), count: tracked.size },
      { kind: 'assigned', label: vscode.l10n.t('Assigned to Me'), wiql: ASSIGNED_TO_ME_WIQL },
    ];
    const query = readWorkItemQuery();
    if (query) specs.push({ kind: 'query', label: vscode.l10n.t('Query'), wiql: query });
    this.shownGroups = specs.map((spec) => new GroupNode(this.env, spec, () => this.trackedIds(), () => this.limits.get(spec.kind) ?? PAGE_SIZE));
    return this.shownGroups;
  }

  private trackedIds(): Promise<ReadonlySet<number>> {
    this.tracked ??= this.env.sync.engine().then(
      (engine) => new Set(engine?.trackedIds() ?? []),
      () => new Set<number>(),
    );
    return this.tracked;
  }

  private remember(node: WorkItemNode): void {
    const list = this.shown.get(node.id) ?? [];
    const replaced = list.filter((other) => other.parent !== node.parent);
    this.shown.set(node.id, [...replaced, node]);
  }

  /**
   * Reads these work items again (one batch, with relations) and repaints their rows where they
   * are on screen; items not shown cost nothing.
   */
  private async reloadItems(workItemIds: readonly number[]): Promise<void> {
    const state = this.env.connection.current;
    const ids = workItemIds.filter((id) => this.shown.has(id));
    if (!state || ids.length === 0) return;
    try {
      const items = await state.client.getWorkItems(ids, { expand: 'relations', errorPolicy: 'omit' });
      for (const item of items) {
        if (!item) continue;
        for (const node of this.shown.get(item.id) ?? []) {
          node.update(item);
          this.changed.fire(node);
        }
      }
    } catch (error) {
      this.env.log.warn(`Work items ${ids.join(', ')} could not be read again: ${errorMessage(error)}`);
    }
  }

  private rerender(workItemId: number): void {
    for (const node of this.shown.get(workItemId) ?? []) this.changed.fire(node);
  }

  /** refresh(), coalesced with others asked for within a moment (a command's and its run's end). */
  refreshSoon(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.refresh(), RELOAD_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}
