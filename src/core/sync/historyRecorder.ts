/** What the recorder writes to (the store's history/audit repositories satisfy this through an adapter). */
export interface HistorySink {
  startRun(run: { runId: string; trigger: string; startedAt: string }): void;
  setStatus(runId: string, status: 'in_progress' | 'completed' | 'failed' | 'cancelled', at: string, reason?: string): void;
  addItem(runId: string, item: { workItemId: number; fileName: string; status: 'synced' | 'skipped' | 'failed'; adoId?: string; adoUrl?: string; error?: string }): void;
  incrementCounter(runId: string, counter: 'succeeded' | 'failed' | 'skipped'): void;
  audit(action: string, details: Record<string, unknown>): void;
}

export type Log = (message: string) => void;

/**
 * Records seed 002 history for one run. History writing never fails a sync: every sink error is
 * logged and swallowed, and the recorder keeps going.
 */
export class HistoryRecorder {
  constructor(private readonly sink: HistorySink, private readonly log: Log, private readonly now: () => Date = () => new Date()) {}

  private safe(what: string, write: () => void): void {
    try { write(); } catch (e) { this.log(`history: ${what} failed: ${e instanceof Error ? e.message : String(e)}`); }
  }

  start(runId: string, trigger: string): void {
    const at = this.now().toISOString();
    this.safe('start', () => this.sink.startRun({ runId, trigger, startedAt: at }));
    this.safe('in_progress', () => this.sink.setStatus(runId, 'in_progress', at));
    this.safe('audit', () => this.sink.audit('sync_started', { runId, trigger }));
  }

  item(runId: string, item: Parameters<HistorySink['addItem']>[1]): void {
    this.safe('item', () => this.sink.addItem(runId, item));
    const counter = item.status === 'synced' ? 'succeeded' : item.status;
    this.safe('counter', () => this.sink.incrementCounter(runId, counter));
  }

  finish(runId: string, status: 'completed' | 'failed' | 'cancelled', reason?: string): void {
    this.safe('finish', () => this.sink.setStatus(runId, status, this.now().toISOString(), reason));
    this.safe('audit', () => this.sink.audit(`sync_${status}`, { runId, ...(reason ? { reason } : {}) }));
  }
}
