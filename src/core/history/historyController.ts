// Answers the Sync History view's requests from the store. No vscode import: the host supplies
// the editor actions (open, reveal, copy) and the engine supplies retries through interfaces.
import type { SyncStore } from '../store';
import type { ChartData, Request, ResponseByKind, RunDetail } from '../../shared/historyProtocol';
import { DETAIL_ITEM_LIMIT, PAGE_SIZES } from '../../shared/historyProtocol';

/** What the engine offers the view: re-run a run's failed items, returning how many were queued. */
export interface RetryEngine {
  retryFailedItems(runId: number): Promise<number>;
}

/** Editor actions; the VS Code host implements them, tests implement them on real state. */
export interface HostActions {
  openWorkItem(workItemId: number): Promise<boolean>;
  revealFile(filePath: string): Promise<boolean>;
  copyText(text: string): Promise<boolean>;
}

export class HistoryRequestError extends Error {
  constructor(message: string) { super(message); this.name = 'HistoryRequestError'; }
}

const DAY_MS = 86_400_000;
const MAX_PAGE = Math.max(...PAGE_SIZES);

export class HistoryController {
  constructor(
    private readonly store: SyncStore,
    private readonly engine: RetryEngine,
    private readonly host: HostActions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle<K extends Request['kind']>(request: Extract<Request, { kind: K }>): Promise<ResponseByKind[K]>;
  async handle(request: Request): Promise<ResponseByKind[Request['kind']]> {
    switch (request.kind) {
      case 'runs': {
        const size = Math.min(Math.max(1, Math.floor(request.pageSize)), MAX_PAGE);
        return this.store.history.page(request.filter, size, request.cursor);
      }
      case 'runDetail': return this.runDetail(request.runId);
      case 'audit': return this.audit(request.filter, request.limit);
      case 'chart': return this.chart(request.days);
      case 'retryFailed': {
        const run = this.store.history.get(request.runId);
        if (!run) throw new HistoryRequestError(`Run ${request.runId} does not exist`);
        const retried = await this.engine.retryFailedItems(request.runId);
        return { runId: request.runId, retried };
      }
      case 'openWorkItem': return { ok: await this.host.openWorkItem(request.workItemId) };
      case 'revealFile': return { ok: await this.host.revealFile(request.filePath) };
      case 'copyText': return { ok: await this.host.copyText(request.text) };
    }
  }

  private runDetail(runId: number): RunDetail | null {
    const run = this.store.history.get(runId);
    if (!run) return null;
    // The recorders audit runs as entity 'sync' (seed 002); older entries used 'sync_history'.
    const audit = [...this.store.audit.forEntity('sync', String(runId)), ...this.store.audit.forEntity('sync_history', String(runId))]
      .sort((a, b) => a.id - b.id);
    return { run, items: this.store.history.items(runId, DETAIL_ITEM_LIMIT), audit };
  }

  private audit(filter: { action?: string; text?: string }, limit: number): ResponseByKind['audit'] {
    const text = filter.text?.toLowerCase();
    return this.store.audit.recent(Math.min(Math.max(1, limit), 1000)).filter((a) =>
      (!filter.action || a.actionType.includes(filter.action.trim().toLowerCase())) &&
      (!text || JSON.stringify([a.actionType, a.entityType, a.entityId, a.userName, a.details]).toLowerCase().includes(text)));
  }

  /** Runs per day by status and bytes moved per day over the last `days` days (UTC). */
  private chart(days: number): ChartData {
    const n = Math.min(Math.max(1, Math.floor(days)), 366);
    const end = this.now();
    const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()) - (n - 1) * DAY_MS);
    const dayList = Array.from({ length: n }, (_, i) => new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10));
    const from = start.toISOString();
    const to = end.toISOString();
    const counts = this.store.history.dailyCounts(from, to);
    const bytesByDay: Record<string, number> = Object.fromEntries(dayList.map((d) => [d, 0]));
    let cursor: string | null = null;
    do {
      const page = this.store.history.page({ from, to }, MAX_PAGE, cursor);
      for (const r of page.rows) {
        const day = r.startedAt.slice(0, 10);
        if (day in bytesByDay) bytesByDay[day] += r.bytesTransferred;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return { days: dayList, counts, bytesByDay };
  }
}
