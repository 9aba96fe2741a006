// A work item: type icon, id, title, state and attachment count; its children are the
// attachments (local records merged with the ADO relations).
import * as vscode from 'vscode';
import { ATTACHED_FILE, attachmentIdFromUrl, type WorkItem, type WorkItemRelation } from '../../core/ado';
import { listWorkItemAttachments, type AttachmentViewEntry } from '../../core/sync/workItemAttachments';
import { AttachmentNode, type AttachmentEntry } from './attachmentNode';
import { MessageNode } from './messageNode';
import { errorMessage } from '../../core/errorMessage';
import type { TreeEnv } from './treeEnv';
import { NodeContext, TreeNode } from './treeNode';

const TYPE_ICONS: Record<string, { icon: string; color: string }> = {
  Bug: { icon: 'bug', color: 'charts.red' },
  Task: { icon: 'tasklist', color: 'charts.yellow' },
  'User Story': { icon: 'book', color: 'charts.blue' },
  'Product Backlog Item': { icon: 'book', color: 'charts.blue' },
  Feature: { icon: 'rocket', color: 'charts.purple' },
  Epic: { icon: 'star-full', color: 'charts.orange' },
  'Test Case': { icon: 'beaker', color: 'charts.green' },
  Issue: { icon: 'issues', color: 'charts.purple' },
};

export class WorkItemNode extends TreeNode {
  /** The last attachment view loaded; transfers re-render over it without asking ADO again. */
  private view: { attachments: readonly AttachmentViewEntry[] } | undefined;

  constructor(
    parent: TreeNode,
    private readonly env: TreeEnv,
    private current: WorkItem,
    readonly tracked: boolean,
  ) {
    super(parent);
  }

  get item(): WorkItem {
    return this.current;
  }

  /** The work item as read again after a run: its row and attachments are rebuilt from it. */
  update(item: WorkItem): void {
    this.current = item;
    this.view = undefined;
  }

  get id(): number {
    return this.item.id;
  }

  get title(): string {
    return String(this.item.fields['System.Title'] ?? '');
  }

  get type(): string {
    return String(this.item.fields['System.WorkItemType'] ?? vscode.l10n.t('Work item'));
  }

  get attachmentRelations(): WorkItemRelation[] {
    return (this.item.relations ?? []).filter((relation) => relation.rel === ATTACHED_FILE);
  }

  getTreeItem(): vscode.TreeItem {
    const count = this.attachmentRelations.length;
    const state = String(this.item.fields['System.State'] ?? '');
    const item = new vscode.TreeItem(`${this.id} ${this.title}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `${nodePath(this.parent)}/wi-${this.id}`;
    // Descriptions render no codicons: the count is in words.
    item.description = [state, count > 0 ? (count === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', count)) : undefined].filter(Boolean).join(' · ');
    const look = TYPE_ICONS[this.type] ?? { icon: 'issues', color: 'foreground' };
    item.iconPath = new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
    item.tooltip = this.tooltip(state, count);
    item.contextValue = this.tracked ? NodeContext.workItemTracked : NodeContext.workItemUntracked;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    try {
      this.view ??= await this.loadView();
    } catch (error) {
      this.env.log.error(`Attachments of work item ${this.id} could not be loaded: ${errorMessage(error)}`);
      return [new MessageNode(this, vscode.l10n.t('Could not load attachments: {0}', errorMessage(error)), 'error')];
    }
    const nodes = this.attachmentNodes(this.view);
    return nodes.length > 0 ? nodes : [new MessageNode(this, vscode.l10n.t('No attachments. Drop files here to attach them.'))];
  }

  private attachmentNodes(view: { attachments: readonly AttachmentViewEntry[] }): AttachmentNode[] {
    const transfers = this.env.transfers.forWorkItem(this.id);
    const shown = new Set(view.attachments.map((entry) => entry.fileName));
    const pending: AttachmentEntry[] = transfers.filter((t) => !shown.has(t.fileName)).map((t) => ({ fileName: t.fileName, state: 'queued', size: t.total || undefined }));
    const addedAt = relationDates(this.attachmentRelations);
    return [...view.attachments, ...pending].map(
      (entry) => new AttachmentNode(this, this.id, entry, this.env.transfers.get(this.id, entry.fileName), this.env.transfers.running, { addedAt: entry.attachmentId ? addedAt.get(entry.attachmentId) : undefined }),
    );
  }

  private async loadView(): Promise<{ attachments: readonly AttachmentViewEntry[] }> {
    const state = this.env.connection.current;
    if (!state) return { attachments: [] };
    const store = await this.env.sync.store();
    if (store) return listWorkItemAttachments(state.client, store, this.id);
    // No store (no folder open): what ADO says is all there is.
    return { attachments: this.attachmentRelations.map(remoteOnlyEntry) };
  }

  private tooltip(state: string, count: number): vscode.MarkdownString {
    const changedBy = this.item.fields['System.ChangedDate'];
    const lines = [`**${this.type} ${this.id}**: ${this.title}`, '', vscode.l10n.t('State: {0}', state), vscode.l10n.t('Attachments in ADO: {0}', count)];
    if (typeof changedBy === 'string') lines.push(vscode.l10n.t('Changed: {0}', new Date(changedBy).toLocaleString()));
    lines.push(this.tracked ? vscode.l10n.t('Tracked: attachments sync both ways') : vscode.l10n.t('Not tracked'));
    return new vscode.MarkdownString(lines.join('  \n'));
  }
}

function remoteOnlyEntry(relation: WorkItemRelation): AttachmentEntry {
  return {
    fileName: relation.attributes?.name ?? 'attachment',
    attachmentId: attachmentIdFromUrl(relation.url),
    attachmentUrl: relation.url,
    size: relation.attributes?.resourceSize,
    comment: relation.attributes?.comment,
    state: 'in_ado_only',
  };
}

function relationDates(relations: WorkItemRelation[]): Map<string, string> {
  const dates = new Map<string, string>();
  for (const relation of relations) {
    const when = relation.attributes?.resourceCreatedDate ?? relation.attributes?.authorizedDate;
    if (when) dates.set(attachmentIdFromUrl(relation.url), when);
  }
  return dates;
}

/** Tree item ids must be unique: the same work item can sit in several groups. */
function nodePath(node: TreeNode | undefined): string {
  return node?.getTreeItem().id ?? '';
}
