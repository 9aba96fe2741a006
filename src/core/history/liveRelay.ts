// Turns engine events (and the backlog importer's progress) into the history view's live
// messages, so that an open view follows runs without polling the database. Rows are read by
// primary key only when an event says something changed, and at most once per throttle window
// per run (a 1000-file run must not post 1000 re-renders).
import type { LiveEvent } from '../../shared/historyProtocol';
import type { SyncStore } from '../store';
import type { SyncEvents } from '../sync/events';

interface RunProgress { done: number; total: number; fraction: number; timer?: NodeJS.Timeout; dirty: boolean }

export class LiveRelay {
  private readonly runs = new Map<number, RunProgress>();

  constructor(
    private readonly store: () => SyncStore | undefined,
    private readonly post: (event: LiveEvent) => void,
    private readonly throttleMs = 150,
  ) {}

  /** Subscribes to an engine's events (runId is the sync_history id); returns the unsubscribe function. */
  attach(events: SyncEvents): () => void {
    const offs = [
      events.on('runStarted', (e) => this.started(e.runId, e.totalItems)),
      events.on('itemProgress', (e) => this.progress(e.runId, { fraction: e.total > 0 ? Math.min(1, e.bytes / e.total) : 0 })),
      events.on('itemDone', (e) => this.itemDone(e.runId)),
      events.on('runFinished', (e) => this.finished(e.runId)),
    ];
    return () => offs.forEach((off) => off());
  }

  started(runId: number, totalItems: number): void {
    this.runs.set(runId, { done: 0, total: totalItems, fraction: 0, dirty: false });
    const run = this.store()?.history.get(runId);
    if (run) this.post({ event: 'runStarted', run });
    this.post({ event: 'itemProgress', runId, done: 0, total: totalItems });
  }

  /** Progress of the item in flight (fraction) or an absolute count of items done. */
  progress(runId: number, p: { fraction?: number; done?: number; total?: number }): void {
    const run = this.runs.get(runId) ?? { done: 0, total: 0, fraction: 0, dirty: false };
    if (p.done !== undefined) { run.done = p.done; run.fraction = 0; }
    if (p.total !== undefined) run.total = p.total;
    if (p.fraction !== undefined) run.fraction = p.fraction;
    this.runs.set(runId, run);
    this.schedule(runId, run);
  }

  itemDone(runId: number): void {
    const run = this.runs.get(runId) ?? { done: 0, total: 0, fraction: 0, dirty: false };
    run.done += 1;
    run.fraction = 0;
    this.runs.set(runId, run);
    this.schedule(runId, run);
  }

  finished(runId: number): void {
    const run = this.runs.get(runId);
    clearTimeout(run?.timer);
    this.runs.delete(runId);
    const row = this.store()?.history.get(runId);
    if (row) this.post({ event: 'runFinished', run: row });
  }

  dispose(): void {
    for (const run of this.runs.values()) clearTimeout(run.timer);
    this.runs.clear();
  }

  /** Leading edge at once, then at most one trailing emission per window. */
  private schedule(runId: number, run: RunProgress): void {
    if (run.timer) { run.dirty = true; return; }
    this.emit(runId, run);
    run.timer = setTimeout(() => {
      run.timer = undefined;
      if (run.dirty && this.runs.get(runId) === run) { run.dirty = false; this.schedule(runId, run); }
    }, this.throttleMs);
    run.timer.unref?.();
  }

  private emit(runId: number, run: RunProgress): void {
    const done = Math.min(run.total || Infinity, run.done + run.fraction);
    this.post({ event: 'itemProgress', runId, done, total: Math.max(run.total, Math.ceil(done)) });
    const row = this.store()?.history.get(runId);
    if (row) this.post({ event: 'itemDone', runId, run: row });
  }
}
