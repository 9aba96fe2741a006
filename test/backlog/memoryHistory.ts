// A BacklogHistory that keeps what it is told in memory, to check what the importer records
// (the store-backed one is tested against sql.js in storeHistory.test.ts).
import type { BacklogHistory, ItemRecord, RunEnd, RunOrigin, RunStart, RunStatus } from '../../src/core/backlog';

export interface MemoryRun {
  id: number;
  start: RunStart;
  status: RunStatus;
  deletionCount: number;
  items: ItemRecord[];
  end?: RunEnd;
  audit: { action: string; origin: RunOrigin; details?: Record<string, unknown> }[];
}

export class MemoryHistory implements BacklogHistory {
  readonly runs: MemoryRun[] = [];
  failOn: keyof BacklogHistory | undefined;

  private run(id: number): MemoryRun {
    const run = this.runs.find((r) => r.id === id);
    if (!run) throw new Error(`no run ${id}`);
    return run;
  }

  private check(method: keyof BacklogHistory): void {
    if (this.failOn === method) throw new Error(`database is locked (${method})`);
  }

  start(start: RunStart): number {
    this.check('start');
    const id = this.runs.length + 1;
    this.runs.push({ id, start, status: 'pending', deletionCount: 0, items: [], audit: [{ action: 'sync_started', origin: start.origin }] });
    return id;
  }

  markInProgress(id: number): void {
    this.check('markInProgress');
    this.run(id).status = 'in_progress';
  }

  addDeletions(id: number, count: number): void {
    this.check('addDeletions');
    this.run(id).deletionCount += count;
  }

  recordItem(id: number, item: ItemRecord): void {
    this.check('recordItem');
    this.run(id).items.push(item);
  }

  finish(id: number, end: RunEnd, origin: RunOrigin): void {
    this.check('finish');
    const run = this.run(id);
    run.status = end.status;
    run.end = end;
    run.audit.push({ action: `sync_${end.status}`, origin, details: end.details });
  }
}
