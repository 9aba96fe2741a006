// One attachment of a work item: local records and ADO relations merged
// (WorkItemAttachmentView), with the live "queued" / "uploading n%" of the transfers.
import path from 'node:path';
import * as vscode from 'vscode';
import type { AttachmentViewEntry, AttachmentViewState } from '../../core/sync/workItemAttachments';
import { Commands } from '../../shared/ids';
import { displayText } from '../../shared/displayText';
import { formatBytes } from '../../shared/format';
import { percentOf, type Transfer } from './transfers';
import { NodeContext, TreeNode } from './treeNode';

export type AttachmentEntry = AttachmentViewEntry;
/** 'interrupted': the record says uploading but no run of this window moves it (cancelled, or the window closed mid-upload). */
type AttachmentState = AttachmentViewState | 'interrupted';

// label is a function, so the word is looked up in the display language when shown, not at load.
const STATES: Record<AttachmentState, { label: () => string; icon: string; color?: string }> = {
  synced: { label: () => vscode.l10n.t('synced'), icon: 'pass', color: 'testing.iconPassed' },
  uploading: { label: () => vscode.l10n.t('uploading'), icon: 'sync~spin' },
  interrupted: { label: () => vscode.l10n.t('upload interrupted'), icon: 'debug-pause' },
  queued: { label: () => vscode.l10n.t('queued'), icon: 'clock' },
  failed: { label: () => vscode.l10n.t('failed'), icon: 'error', color: 'errorForeground' },
  in_ado_only: { label: () => vscode.l10n.t('in ADO only'), icon: 'cloud' },
  local_only: { label: () => vscode.l10n.t('local only'), icon: 'file' },
  conflict: { label: () => vscode.l10n.t('conflict'), icon: 'warning', color: 'list.warningForeground' },
  remote_removed: { label: () => vscode.l10n.t('removed in ADO'), icon: 'trash' },
  deleted_locally: { label: () => vscode.l10n.t('deleted locally'), icon: 'circle-slash' },
};

export interface AttachmentDates {
  /** When the relation was added in ADO. */
  readonly addedAt?: string;
}

export class AttachmentNode extends TreeNode {
  constructor(
    parent: TreeNode,
    readonly workItemId: number,
    readonly entry: AttachmentEntry,
    readonly transfer: Transfer | undefined,
    /** A run of this window is going: an "uploading" record may be moving. */
    private readonly running: boolean,
    readonly dates: AttachmentDates = {},
  ) {
    super(parent);
  }

  get state(): AttachmentState {
    if (this.transfer) return this.transfer.state === 'queued' ? 'queued' : 'uploading';
    return this.entry.state === 'uploading' && !this.running ? 'interrupted' : this.entry.state;
  }

  /** The state as the user reads it: "uploading 42%", "failed: TF237082 ...". */
  get stateText(): string {
    const state = this.state;
    if (state === 'uploading' && this.transfer) return vscode.l10n.t('uploading {0}%', percentOf(this.transfer));
    if (state === 'failed' && this.entry.error) return vscode.l10n.t('failed: {0}', this.entry.error);
    return STATES[state].label();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(displayText(this.entry.fileName), vscode.TreeItemCollapsibleState.None);
    const size = this.entry.size ?? this.transfer?.total;
    // The ADO name is the label; a local name that differs (made safe, numbered, a conflict copy) is said beside it.
    const local = this.entry.localPath ? path.basename(this.entry.localPath) : undefined;
    const savedAs = local && local !== this.entry.fileName ? vscode.l10n.t('saved as {0}', displayText(local)) : undefined;
    // State first: a narrow side bar cuts the end of the description.
    item.description = [this.stateText, savedAs, size !== undefined && size > 0 ? formatBytes(size) : undefined].filter(Boolean).join(' · ');
    const look = STATES[this.state];
    item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
    item.tooltip = this.tooltip(size);
    item.contextValue = this.contextValue();
    if (this.entry.localPath) item.resourceUri = vscode.Uri.file(this.entry.localPath);
    item.command = { command: Commands.openAttachment, title: vscode.l10n.t('Open Attachment'), arguments: [this] };
    return item;
  }

  /** "attachment:<state>[:local][:remote]": menus match the parts with regexes. */
  contextValue(): string {
    return [NodeContext.attachment, this.state, this.entry.localPath ? 'local' : undefined, this.entry.attachmentId ? 'remote' : undefined]
      .filter(Boolean)
      .join(':');
  }

  private tooltip(size: number | undefined): vscode.MarkdownString {
    const lines = [`**${escape(displayText(this.entry.fileName))}**`, '', vscode.l10n.t('State: {0}', escape(this.stateText))];
    if (size !== undefined) lines.push(vscode.l10n.t('Size: {0}', formatBytes(size)));
    if (this.dates.addedAt) lines.push(vscode.l10n.t('Added in ADO: {0}', new Date(this.dates.addedAt).toLocaleString()));
    if (this.entry.comment) lines.push(vscode.l10n.t('Comment: {0}', escape(this.entry.comment)));
    if (this.entry.localPath) lines.push(vscode.l10n.t('Local: {0}', escape(this.entry.localPath)));
    if (this.entry.sha256) lines.push(`SHA-256: \`${this.entry.sha256.slice(0, 16)}…\``);
    return new vscode.MarkdownString(lines.join('  \n'));
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
