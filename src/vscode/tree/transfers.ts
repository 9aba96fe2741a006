// In-flight transfers for the tree's "queued" / "uploading n%" states: commands announce the
// files they queue, the engine's itemProgress/itemDone events move them on.
import * as vscode from 'vscode';
import type { SyncEvents } from '../../core/sync/events';
import { UNRECORDED_RUN } from '../../core/sync/runRecorder';

export interface Transfer {
  readonly workItemId: number;
  readonly fileName: string;
  state: 'queued' | 'transferring';
  bytes: number;
  total: number;
}

export class TransferTracker implements vscode.Disposable {
  private readonly transfers = new Map<string, Transfer>();
  private readonly watched = new WeakSet<SyncEvents>();
  private readonly unsubscribes: (() => void)[] = [];
  private readonly changed = new vscode.EventEmitter<number>();
  private readonly finished = new vscode.EventEmitter<readonly number[]>();
  private runs = 0;
  /** Fires the work item id whose transfers changed. */
  readonly onDidChange = this.changed.event;
  /** A recorded run ended: the work items it reported outcomes for (what may look different now). */
  readonly onDidFinishRun = this.finished.event;

  /** Subscribes once per events object (the engine is re-created on reconnect). */
  watch(events: SyncEvents): void {
    if (this.watched.has(events)) return;
    this.watched.add(events);
    this.unsubscribes.push(
      events.on('runStarted', () => { this.runs += 1; }),
      events.on('itemProgress', (e) => this.progress(e.workItemId, e.fileName, e.bytes, e.total)),
      events.on('itemDone', (e) => this.finish(e.workItemId, e.fileName)),
      events.on('runFinished', (e) => { if (e.runId !== UNRECORDED_RUN) this.runFinished([...new Set(e.summary.items.map((i) => i.workItemId))]); }),
    );
  }

  queue(workItemId: number, fileNames: readonly string[]): void {
    for (const fileName of fileNames) this.transfers.set(key(workItemId, fileName), { workItemId, fileName, state: 'queued', bytes: 0, total: 0 });
    this.changed.fire(workItemId);
  }

  forWorkItem(workItemId: number): Transfer[] {
    return [...this.transfers.values()].filter((t) => t.workItemId === workItemId);
  }

  /** True while a run of this window's engine is going (its records may say "uploading" before bytes move). */
  get running(): boolean {
    return this.runs > 0;
  }

  get(workItemId: number, fileName: string): Transfer | undefined {
    return this.transfers.get(key(workItemId, fileName));
  }

  /** Drops what a run left queued (cancelled or failed before it started the file). */
  clear(workItemId: number, fileNames: readonly string[]): void {
    for (const fileName of fileNames) this.transfers.delete(key(workItemId, fileName));
    this.changed.fire(workItemId);
  }

  private progress(workItemId: number, fileName: string, bytes: number, total: number): void {
    const existing = this.transfers.get(key(workItemId, fileName));
    const percentBefore = existing ? percentOf(existing) : -1;
    const transfer = existing ?? { workItemId, fileName, state: 'transferring', bytes, total };
    Object.assign(transfer, { state: 'transferring', bytes, total });
    this.transfers.set(key(workItemId, fileName), transfer);
    // Re-render on whole-percent steps only: a tree refresh per chunk would be wasted work.
    if (percentOf(transfer) !== percentBefore) this.changed.fire(workItemId);
  }

  private finish(workItemId: number, fileName: string): void {
    if (this.transfers.delete(key(workItemId, fileName))) this.changed.fire(workItemId);
  }

  private runFinished(workItemIds: readonly number[]): void {
    this.runs = Math.max(0, this.runs - 1);
    this.finished.fire(workItemIds);
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.changed.dispose();
    this.finished.dispose();
  }
}

export function percentOf(transfer: Pick<Transfer, 'bytes' | 'total'>): number {
  return transfer.total > 0 ? Math.floor((transfer.bytes / transfer.total) * 100) : 0;
}

function key(workItemId: number, fileName: string): string {
  return `${workItemId}/${fileName}`;
}
