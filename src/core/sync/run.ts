// One sync run as history and the UI see it: the work items a trigger asked for, the outcomes as
// they are committed, and a summary when every item has been processed. A run started by the user
// is recorded at once; a background run (poll, webhook, retry) only when it has something to do,
// so a poll that finds nothing leaves no row. Either way the row is on disk before the run's first
// transfer, so a killed run always shows as interrupted.
import { toItemError } from './itemError';
import type { ItemError, ItemOutcome, RunCounters, RunSummary, RunTrigger } from './engineApi';
import type { SyncEvents } from './events';
import type { SyncDbRepositories } from '../store/syncDb';
import { type RunRecorder, UNRECORDED_RUN } from './runRecorder';

export class Run {
  runId = UNRECORDED_RUN;
  readonly items: ItemOutcome[] = [];
  readonly done: Promise<RunSummary>;
  /** Processing attempts per work item within this run (transient failures are tried again). */
  readonly attempts = new Map<number, number>();
  /**
   * An attach run: the files it asked for (absolute paths). Their outcomes are this run's, and what
   * else its work items' processing did belongs to the runs that asked for that.
   */
  files: ReadonlySet<string> | undefined;
  private readonly remaining: Set<number>;
  private readonly startedAt: Date;
  private planned = 0;
  private error?: ItemError;
  private resolve!: (summary: RunSummary) => void;
  private finished = false;
  private recording: Promise<void> | undefined;

  constructor(
    readonly trigger: RunTrigger,
    readonly workItemIds: readonly number[],
    readonly signal: AbortSignal | undefined,
    private readonly recorder: RunRecorder,
    private readonly events: SyncEvents,
    private readonly now: () => Date,
    private readonly flush: () => Promise<void>,
    /** Before the run ends: whatever its owner answers about the items must be current (state()). */
    private readonly settle: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.remaining = new Set(workItemIds);
    this.startedAt = now();
    this.done = new Promise((resolve) => { this.resolve = resolve; });
  }

  get recorded(): boolean { return this.runId !== UNRECORDED_RUN; }

  /** Writes the history row (once) and puts it on disk before any transfer. */
  record(): Promise<void> {
    this.recording ??= this.start();
    return this.recording;
  }

  private async start(): Promise<void> {
    this.runId = await this.recorder.start(this.trigger, this.workItemIds);
    try { await this.flush(); } catch { /* history never fails a sync; the store reports its own write errors */ }
    this.events.emit('runStarted', { runId: this.runId, trigger: this.trigger, totalItems: this.planned, workItemIds: this.workItemIds });
    if (this.recorded && this.planned > 0) await this.recorder.planned(this.runId, this.planned);
  }

  /** More items are known to come (the plan of one work item). */
  plan(count: number): void {
    if (count <= 0) return;
    this.planned += count;
    if (!this.recorded) return;
    void this.recorder.planned(this.runId, this.planned);
    this.events.emit('runPlanned', { runId: this.runId, totalItems: this.planned });
  }

  /**
   * Called inside the work item's commit transaction (tx): history rows and counters go with the
   * records. The run's own row is written first, outside it (record() before the commit).
   */
  async add(outcome: ItemOutcome, tx?: SyncDbRepositories): Promise<void> {
    this.items.push(outcome);
    await this.recorder.item(this.runId, outcome, tx);
  }

  /** After the commit: tells the UI. */
  announce(outcome: ItemOutcome): void {
    this.events.emit('itemDone', { runId: this.runId, workItemId: outcome.workItemId, fileName: outcome.fileName, status: outcome.status, error: outcome.error?.message, outcome });
  }

  fail(error: unknown): void {
    this.error ??= toItemError(error);
  }

  waitsFor(workItemId: number): boolean {
    return this.remaining.has(workItemId);
  }

  itemDone(workItemId: number): void {
    this.remaining.delete(workItemId);
    if (this.remaining.size === 0) this.finish();
  }

  /** Ends the run now (cancelled, or the coordinator closed): items not processed are left dirty. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    void this.end();
  }

  /** The summary is recorded before `done` resolves: whoever awaits the run finds it in history. */
  private async end(): Promise<void> {
    await this.recording;
    try { await this.settle(); } catch { /* what state() answers is a view; the run's outcome stands */ }
    const completedAt = this.now();
    const counters = countOutcomes(this.items);
    const cancelled = this.signal?.aborted === true;
    const summary: RunSummary = {
      runId: this.runId, trigger: this.trigger, workItemIds: this.workItemIds, startedAt: this.startedAt.toISOString(), completedAt: completedAt.toISOString(),
      durationMs: completedAt.getTime() - this.startedAt.getTime(),
      status: cancelled ? 'cancelled' : this.error || counters.failed > 0 ? 'failed' : 'completed',
      counters, items: this.items, ...(this.error && !cancelled ? { error: this.error } : {}),
    };
    if (this.recorded) await this.recorder.finish(summary);
    // Also an unrecorded run (runId -1: its items had nothing to do): the status bar learns that they are fine again.
    const failed = counters.failed;
    const skipped = this.items.filter((i) => i.status === 'duplicate' || i.status === 'cancelled' || i.status === 'blocked').length;
    this.events.emit('runFinished', { runId: this.runId, status: summary.status, succeeded: this.items.length - failed - skipped, failed, skipped, summary });
    this.resolve(summary);
  }
}

export function countOutcomes(items: readonly ItemOutcome[]): RunCounters {
  const c: RunCounters = { uploaded: 0, linked: 0, downloaded: 0, duplicates: 0, conflicts: 0, remoteRemoved: 0, removed: 0, failed: 0, bytesTransferred: 0 };
  for (const o of items) {
    if (o.status === 'uploaded') c.uploaded++;
    else if (o.status === 'linked') c.linked++;
    else if (o.status === 'downloaded') c.downloaded++;
    else if (o.status === 'duplicate') c.duplicates++;
    else if (o.status === 'conflict') c.conflicts++;
    else if (o.status === 'remote_removed') c.remoteRemoved++;
    else if (o.status === 'removed') c.removed++;
    else if (o.status === 'failed') c.failed++;
    if ((o.status === 'uploaded' || o.status === 'downloaded' || o.status === 'conflict') && o.size) c.bytesTransferred += o.size;
  }
  return c;
}
