// Messages between the Sync History webview and its host. Every request carries a correlation id;
// the host answers with a response of the same id. No file bytes ever cross postMessage.
import type {
  AuditRow, DailyCount, HistoryFilter, SyncHistoryItemRow, SyncHistoryRow,
} from '../core/store';

export type RunFilter = HistoryFilter;

/** What the view persists (vscode.setState) and what the serializer restores. */
export interface ViewState {
  tab: 'runs' | 'audit';
  filter: RunFilter;
  pageSize: number;
  /** Cursors of the pages before the current one; the current page's cursor is the last. */
  cursors: (string | null)[];
  selectedRunId: number | null;
  auditFilter: { action?: string; text?: string };
}

export type Request =
  | { kind: 'runs'; filter: RunFilter; pageSize: number; cursor: string | null }
  | { kind: 'runDetail'; runId: number }
  | { kind: 'audit'; filter: { action?: string; text?: string }; limit: number }
  | { kind: 'chart'; days: number }
  | { kind: 'retryFailed'; runId: number }
  | { kind: 'openWorkItem'; workItemId: number }
  | { kind: 'revealFile'; filePath: string }
  | { kind: 'copyText'; text: string };

export interface RunsPage { rows: SyncHistoryRow[]; nextCursor: string | null; total: number }
export interface RunDetail { run: SyncHistoryRow; items: SyncHistoryItemRow[]; audit: AuditRow[] }
export interface ChartData { days: string[]; counts: DailyCount[]; bytesByDay: Record<string, number> }

export interface ResponseByKind {
  runs: RunsPage;
  runDetail: RunDetail | null;
  audit: AuditRow[];
  chart: ChartData;
  retryFailed: { runId: number; retried: number };
  openWorkItem: { ok: boolean };
  revealFile: { ok: boolean };
  copyText: { ok: boolean };
}

export type ViewToHost =
  | { type: 'ready' }
  | { type: 'request'; id: number; request: Request };

/** Live engine events, relayed without polling the database. */
export type LiveEvent =
  | { event: 'runStarted'; run: SyncHistoryRow }
  /** Items done so far (fractional while a file is in flight) of the run's total. */
  | { event: 'itemProgress'; runId: number; done: number; total: number }
  | { event: 'itemDone'; runId: number; run: SyncHistoryRow }
  | { event: 'runFinished'; run: SyncHistoryRow };

export type HostToView =
  | { type: 'response'; id: number; ok: true; result: ResponseByKind[Request['kind']] }
  | { type: 'response'; id: number; ok: false; error: string }
  | { type: 'live'; live: LiveEvent }
  | { type: 'restore'; state: ViewState };

export const DEFAULT_VIEW_STATE: ViewState = {
  tab: 'runs', filter: {}, pageSize: 25, cursors: [null], selectedRunId: null, auditFilter: {},
};
export const PAGE_SIZES = [10, 25, 50, 100] as const;
/** A run's detail carries at most this many items (the view says so when it is cut). */
export const DETAIL_ITEM_LIMIT = 1000;
