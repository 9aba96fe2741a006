// Explorer badges on files that are attached to (or mirrored from) work items, by sync state.
import * as vscode from 'vscode';
import type { AttachmentRow } from '../core/store';
import type { SyncAccess } from './commands';
import { batches, changedPaths, MAX_URIS_PER_EVENT } from './decorationChanges';
import { errorMessage } from '../core/errorMessage';

interface Badge {
  badge: string;
  /** A function, so the word is looked up in the display language when shown, not at load. */
  label: () => string;
  color?: string;
}

const BADGES: Record<string, Badge> = {
  SYNCED: { badge: '✓', label: () => vscode.l10n.t('synced'), color: 'testing.iconPassed' },
  PENDING: { badge: '↑', label: () => vscode.l10n.t('queued') },
  UPLOADING: { badge: '↑', label: () => vscode.l10n.t('uploading') },
  FAILED: { badge: '!', label: () => vscode.l10n.t('failed'), color: 'errorForeground' },
  CONFLICT: { badge: 'C', label: () => vscode.l10n.t('conflict'), color: 'list.warningForeground' },
  REMOTE_REMOVED: { badge: '−', label: () => vscode.l10n.t('removed in Azure DevOps') },
};

/** Runs finish in bursts of item events: one reload for a burst. */
const RELOAD_DEBOUNCE_MS = 250;


export class AttachmentDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private decorations = new Map<string, Decorated>();
  private timer: NodeJS.Timeout | undefined;
  private readonly offs: (() => void)[];

  constructor(private readonly sync: SyncAccess, private readonly log: vscode.LogOutputChannel) {
    this.offs = [sync.events.on('itemDone', () => this.scheduleReload()), sync.events.on('runFinished', () => this.scheduleReload())];
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    return uri.scheme === 'file' ? this.decorations.get(uri.fsPath)?.decoration : undefined;
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
      const rows = store ? store.attachments.ofTrackedItems() : [];
      this.decorations = decorationsOf(rows);
    } catch (error) {
      this.log.warn(`Explorer badges not updated: ${errorMessage(error)}`);
      return;
    }
    // Only what changed is repainted, in events under VS Code's cap (after a reload, all of them).
    const changed = changedPaths(keysOf(before), keysOf(this.decorations));
    for (const batch of batches(changed, MAX_URIS_PER_EVENT)) this.changed.fire(batch.map((file) => vscode.Uri.file(file)));
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const off of this.offs) off();
    this.changed.dispose();
  }
}

/** A badge with what it was made from: equal keys paint the same. */
interface Decorated {
  readonly decoration: vscode.FileDecoration;
  readonly key: string;
}

function keysOf(decorations: ReadonlyMap<string, Decorated>): Map<string, string> {
  return new Map([...decorations].map(([file, d]) => [file, d.key]));
}

function decorationsOf(rows: readonly AttachmentRow[]): Map<string, Decorated> {
  const byPath = new Map<string, Decorated>();
  for (const row of rows) {
    if (!row.localPath) continue;
    const look = BADGES[row.remoteRemovedAt && row.syncStatus === 'SYNCED' ? 'REMOTE_REMOVED' : row.syncStatus];
    if (!look) continue;
    const reason = row.syncStatus === 'FAILED' && row.errorMessage ? `: ${row.errorMessage}` : '';
    const tooltip = vscode.l10n.t('Work item {0}: {1}', row.workItemId, look.label()) + reason;
    const decoration = new vscode.FileDecoration(look.badge, tooltip, look.color ? new vscode.ThemeColor(look.color) : undefined);
    byPath.set(row.localPath, { decoration, key: `${look.badge}\u0000${look.color ?? ''}\u0000${tooltip}` });
  }
  return byPath;
}
