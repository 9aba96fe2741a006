// Explorer badges on files that are attached to (or mirrored from) work items, by sync state.
import * as vscode from 'vscode';
import type { AttachmentRow } from '../core/store';
import type { SyncAccess } from './commands';
import { errorMessage } from '../core/errorMessage';

interface Badge {
  badge: string;
  label: string;
  color?: string;
}

const BADGES: Record<string, Badge> = {
  SYNCED: { badge: '✓', label: 'synced', color: 'testing.iconPassed' },
  PENDING: { badge: '↑', label: 'queued' },
  UPLOADING: { badge: '↑', label: 'uploading' },
  FAILED: { badge: '!', label: 'failed', color: 'errorForeground' },
  CONFLICT: { badge: 'C', label: 'conflict', color: 'list.warningForeground' },
  REMOTE_REMOVED: { badge: '−', label: 'removed in Azure DevOps' },
};

/** Runs finish in bursts of item events: one reload for a burst. */
const RELOAD_DEBOUNCE_MS = 250;

export class AttachmentDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private decorations = new Map<string, vscode.FileDecoration>();
  private timer: NodeJS.Timeout | undefined;
  private readonly offs: (() => void)[];

  constructor(private readonly sync: SyncAccess, private readonly log: vscode.LogOutputChannel) {
    this.offs = [sync.events.on('itemDone', () => this.scheduleReload()), sync.events.on('runFinished', () => this.scheduleReload())];
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    return uri.scheme === 'file' ? this.decorations.get(uri.fsPath) : undefined;
  }

  scheduleReload(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), RELOAD_DEBOUNCE_MS);
  }

  /** Re-reads the records of tracked work items and repaints what changed. */
  async reload(): Promise<void> {
    const before = this.decorations;
    try {
      const store = await this.sync.store();
      const rows = store ? store.trackedItems.list().flatMap((item) => store.attachments.forWorkItem(item.workItemId)) : [];
      this.decorations = decorationsOf(rows);
    } catch (error) {
      this.log.warn(`Explorer badges not updated: ${errorMessage(error)}`);
      return;
    }
    const touched = new Set([...before.keys(), ...this.decorations.keys()]);
    if (touched.size > 0) this.changed.fire([...touched].map((file) => vscode.Uri.file(file)));
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const off of this.offs) off();
    this.changed.dispose();
  }
}

function decorationsOf(rows: readonly AttachmentRow[]): Map<string, vscode.FileDecoration> {
  const byPath = new Map<string, vscode.FileDecoration>();
  for (const row of rows) {
    if (!row.localPath) continue;
    const look = BADGES[row.remoteRemovedAt && row.syncStatus === 'SYNCED' ? 'REMOTE_REMOVED' : row.syncStatus];
    if (!look) continue;
    const reason = row.syncStatus === 'FAILED' && row.errorMessage ? `: ${row.errorMessage}` : '';
    const decoration = new vscode.FileDecoration(look.badge, `Work item ${row.workItemId}: ${look.label}${reason}`, look.color ? new vscode.ThemeColor(look.color) : undefined);
    byPath.set(row.localPath, decoration);
  }
  return byPath;
}
