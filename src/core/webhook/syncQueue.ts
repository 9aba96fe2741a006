// The job worker behind `serve`: webhook events queue a sync of one work item, the poll queues a
// sync of all tracked items. Runs for the same item never overlap; a whole-set run waits for the
// item runs in flight and holds later ones back (a FIFO barrier), so it never overlaps them either.
// An event for an item whose run is in flight asks for one more run after it: the run in flight
// may have read the work item before the change the event announces.
import type { RunSummary, RunTrigger, SyncEngine } from '../sync/engineApi';

export type SyncJob = { kind: 'item'; workItemId: number; trigger: RunTrigger } | { kind: 'all'; trigger: RunTrigger };

export type EnqueueResult = 'queued' | 'already-queued' | 'rerun-after-current' | 'closed';

export interface SyncQueueStats {
  queued: number;
  running: number;
  completedRuns: number;
  failedRuns: number;
  lastRunAt?: Date;
  lastError?: string;
}

export interface SyncQueueOptions {
  engine: Pick<SyncEngine, 'sync'>;
  /** Item runs at once (default 2). */
  concurrency?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Told about every finished run, e.g. to print it. */
  onRunFinished?: (job: SyncJob, summary: RunSummary | undefined, error: unknown) => void;
  now?: () => Date;
}

interface Waiter {
  job: SyncJob;
  resolve: () => void;
}

export class SyncQueue {
  private readonly queue: Waiter[] = [];
  private readonly runningItems = new Set<number>();
  private readonly rerun = new Set<number>();
  private runningAll = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  private closed = false;
  private readonly st: SyncQueueStats = { queued: 0, running: 0, completedRuns: 0, failedRuns: 0 };
  private readonly concurrency: number;

  constructor(private readonly options: SyncQueueOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
  }

  /** Queues a sync of one work item; coalesces with a queued one, or asks for one rerun. */
  enqueueItem(workItemId: number, trigger: RunTrigger = 'webhook'): EnqueueResult {
    if (this.closed) return 'closed';
    if (this.queue.some((w) => w.job.kind === 'item' && w.job.workItemId === workItemId)) return 'already-queued';
    if (this.runningItems.has(workItemId)) {
      this.rerun.add(workItemId);
      return 'rerun-after-current';
    }
    this.push({ kind: 'item', workItemId, trigger });
    return 'queued';
  }

  /** Queues a sync of every tracked item; resolves when it has run (or the queue closed). */
  runAll(trigger: RunTrigger = 'poll'): Promise<void> {
    if (this.closed) return Promise.resolve();
    const queuedAll = this.queue.find((w) => w.job.kind === 'all');
    if (queuedAll) return new Promise((resolve) => this.chain(queuedAll, resolve));
    return this.push({ kind: 'all', trigger });
  }

  stats(): SyncQueueStats {
    return { ...this.st, queued: this.queue.length, running: this.runningItems.size + (this.runningAll ? 1 : 0) };
  }

  /**
   * Stops taking jobs, drops the queued ones (the next poll catches up), aborts the signal of the
   * runs in flight so the engine finishes or checkpoints the current item, and waits for them.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.resolve();
    this.rerun.clear();
    this.controller.abort(new Error('sync queue closed'));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private push(job: SyncJob): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  private chain(waiter: Waiter, resolve: () => void): void {
    const previous = waiter.resolve;
    waiter.resolve = () => {
      previous();
      resolve();
    };
  }

  /** Starts every queued job that may start now, in order; an 'all' job blocks those behind it. */
  private pump(): void {
    if (this.closed) return;
    for (let i = 0; i < this.queue.length; ) {
      const { job } = this.queue[i];
      if (job.kind === 'all') {
        if (this.runningAll || this.runningItems.size > 0) return;
        this.start(this.queue.splice(i, 1)[0]);
        return;
      }
      if (this.runningAll || this.runningItems.size >= this.concurrency) return;
      if (this.runningItems.has(job.workItemId)) {
        i++;
        continue;
      }
      this.start(this.queue.splice(i, 1)[0]);
    }
  }

  private start(waiter: Waiter): void {
    const { job } = waiter;
    if (job.kind === 'all') this.runningAll = true;
    else this.runningItems.add(job.workItemId);
    const run = this.execute(job).finally(() => {
      this.inFlight.delete(run);
      if (job.kind === 'all') this.runningAll = false;
      else this.finishItem(job);
      waiter.resolve();
      this.pump();
    });
    this.inFlight.add(run);
  }

  private finishItem(job: Extract<SyncJob, { kind: 'item' }>): void {
    this.runningItems.delete(job.workItemId);
    if (this.rerun.delete(job.workItemId) && !this.closed) this.queue.push({ job, resolve: () => undefined });
  }

  private async execute(job: SyncJob): Promise<void> {
    const request = job.kind === 'item'
      ? { workItemIds: [job.workItemId], trigger: job.trigger, signal: this.controller.signal }
      : { trigger: job.trigger, signal: this.controller.signal };
    this.st.lastRunAt = (this.options.now ?? (() => new Date()))();
    try {
      const summary = await this.options.engine.sync(request);
      if (summary.status === 'failed') this.noteFailure(summary.error?.message ?? 'the run failed');
      else this.st.completedRuns += 1;
      this.options.onRunFinished?.(job, summary, undefined);
    } catch (error) {
      this.noteFailure(error instanceof Error ? error.message : String(error));
      this.options.log?.('error', `sync of ${describeJob(job)} failed: ${this.st.lastError ?? ''}`);
      this.options.onRunFinished?.(job, undefined, error);
    }
  }

  private noteFailure(message: string): void {
    this.st.failedRuns += 1;
    this.st.lastError = message;
  }
}

export function describeJob(job: SyncJob): string {
  return job.kind === 'item' ? `work item ${job.workItemId} (${job.trigger})` : `all tracked work items (${job.trigger})`;
}
