import type { SqlValue } from '../sqlite';
import { decodeCursor, encodeCursor } from '../cursor';
import { addMs } from './dirtyItems';
import type { RepoContext } from './context';

export type SyncHistoryKind = 'attachment_sync' | 'backlog_import';
export type SyncTrigger = 'manual' | 'poll' | 'webhook' | 'attach' | 'import';
export type SyncHistoryStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
export type HistoryItemType = 'attachment' | 'epic' | 'feature' | 'user_story';
export type HistoryItemStatus = 'created' | 'uploaded' | 'linked' | 'downloaded' | 'skipped' | 'failed' | 'deleted' | 'updated' | 'conflict';

/** Counters updated with single `SET n = n + ?` statements. */
export const HISTORY_COUNTERS = {
  totalItems: 'total_items', itemsCreated: 'items_created', itemsFailed: 'items_failed', uploaded: 'uploaded',
  linked: 'linked', downloaded: 'downloaded', skippedDuplicate: 'skipped_duplicate', deleted: 'deleted',
  bytesTransferred: 'bytes_transferred', epicsCreated: 'epics_created', epicsFailed: 'epics_failed',
  featuresCreated: 'features_created', featuresFailed: 'features_failed', userStoriesCreated: 'user_stories_created',
  userStoriesFailed: 'user_stories_failed', deletionCount: 'deletion_count',
} as const;
export type HistoryCounter = keyof typeof HISTORY_COUNTERS;
export type HistoryCounters = Record<HistoryCounter, number>;

export interface SyncHistoryRow extends HistoryCounters {
  id: number; kind: SyncHistoryKind; trigger: SyncTrigger; status: SyncHistoryStatus;
  sourceType: string | null; sourceConfigId: string | null; targetType: string | null; targetConfigId: string | null;
  projectName: string | null; workItemId: number | null; overwriteMode: string | null;
  startedAt: string; completedAt: string | null; durationMs: number | null; errorMessage: string | null;
  createdAt: string; updatedAt: string;
}

/** The process recording a run, and how long its row stays its own without renewal. */
export interface RunLease { owner: string; leaseMs: number }

export interface NewSyncHistory {
  kind?: SyncHistoryKind; trigger?: SyncTrigger; status?: SyncHistoryStatus; projectName?: string | null;
  workItemId?: number | null; sourceType?: string | null; sourceConfigId?: string | null; targetType?: string | null;
  targetConfigId?: string | null; overwriteMode?: string | null; startedAt?: string;
  /** Without one, a run is never taken for a dead process's on a shared database. */
  lease?: RunLease;
}

/** Which open runs interruptAbandoned() ends. */
export interface AbandonedRuns {
  kind: SyncHistoryKind;
  /** Only those whose owner stopped renewing the lease (a shared database); else every open run (one writer). */
  expiredOnly: boolean;
}

export interface SyncHistoryUpdate {
  status?: SyncHistoryStatus; errorMessage?: string | null; completedAt?: string | null; totalItems?: number;
}

export interface SyncHistoryItemRow {
  id: number; syncHistoryId: number; ardoqId: string | null; itemName: string; itemType: HistoryItemType;
  status: HistoryItemStatus; workItemId: number | null; azureDevopsId: number | null; azureDevopsUrl: string | null;
  filePath: string | null; fileSize: number | null; sha256: string | null; errorCode: string | null;
  errorMessage: string | null; createdAt: string;
}

export type NewSyncHistoryItem = Pick<SyncHistoryItemRow, 'itemName' | 'status'> &
  Partial<Omit<SyncHistoryItemRow, 'id' | 'syncHistoryId' | 'itemName' | 'status' | 'createdAt'>>;

export interface HistoryFilter {
  status?: SyncHistoryStatus | SyncHistoryStatus[]; kind?: SyncHistoryKind; trigger?: SyncTrigger;
  workItemId?: number; projectName?: string;
  /** Inclusive ISO bounds on started_at. */
  from?: string; to?: string;
  /** Substring of an item name or an error message (run's or an item's). */
  text?: string;
}

export interface HistoryPage { rows: SyncHistoryRow[]; nextCursor: string | null; total: number }
export interface DailyCount { day: string; status: SyncHistoryStatus; count: number }

const counterCols = Object.entries(HISTORY_COUNTERS).map(([k, c]) => `${c} AS ${k}`).join(', ');
export const HISTORY_COLS = `id, kind, trigger, status, source_type AS sourceType, source_config_id AS sourceConfigId,
  target_type AS targetType, target_config_id AS targetConfigId, project_name AS projectName, work_item_id AS workItemId,
  overwrite_mode AS overwriteMode, ${counterCols}, started_at AS startedAt, completed_at AS completedAt,
  duration_ms AS durationMs, error_message AS errorMessage, created_at AS createdAt, updated_at AS updatedAt`;
export const HISTORY_ITEM_COLS = `id, sync_history_id AS syncHistoryId, ardoq_id AS ardoqId, item_name AS itemName, item_type AS itemType,
  status, work_item_id AS workItemId, azure_devops_id AS azureDevopsId, azure_devops_url AS azureDevopsUrl,
  file_path AS filePath, file_size AS fileSize, sha256, error_code AS errorCode, error_message AS errorMessage, created_at AS createdAt`;

/** The INSERT of a run, the same on both databases; its values from runValues(). */
export const INSERT_RUN = `INSERT INTO sync_history (kind, trigger, status, source_type, source_config_id, target_type, target_config_id,
  project_name, work_item_id, overwrite_mode, started_at, created_at, updated_at, lease_owner, lease_expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`;

export function runValues(h: NewSyncHistory, t: string): SqlValue[] {
  return [h.kind ?? 'attachment_sync', h.trigger ?? 'manual', h.status ?? 'in_progress', h.sourceType ?? null, h.sourceConfigId ?? null,
    h.targetType ?? null, h.targetConfigId ?? null, h.projectName ?? null, h.workItemId ?? null, h.overwriteMode ?? null,
    h.startedAt ?? t, t, t, h.lease?.owner ?? null, h.lease ? addMs(t, h.lease.leaseMs) : null];
}

const OPEN_RUN = `status IN ('pending','in_progress')`;

/** Params: until, owner. */
export const RENEW_RUNS = `UPDATE sync_history SET lease_expires_at = ? WHERE lease_owner = ? AND ${OPEN_RUN}`;

/**
 * Ends open runs as failed "interrupted". duration: the database's milliseconds from started_at to
 * its one parameter. Params: now (completed_at), now (duration), now (updated_at), kind, and with
 * expiredOnly now again (a run without a lease never expires: nobody can tell whether its owner lives).
 */
export function interruptSql(duration: string, expiredOnly: boolean): string {
  return `UPDATE sync_history SET status = 'failed', error_message = 'interrupted', completed_at = ?, duration_ms = ${duration}, updated_at = ?
    WHERE kind = ? AND ${OPEN_RUN}${expiredOnly ? ' AND lease_expires_at < ?' : ''}`;
}

export function interruptValues(which: AbandonedRuns, t: string): SqlValue[] {
  return [t, t, t, which.kind, ...(which.expiredOnly ? [t] : [])];
}

const DURATION_MS = `CAST(ROUND((julianday(?) - julianday(started_at)) * 86400000) AS INTEGER)`;

/** sync_history + sync_history_items (seed 002). */
export class HistoryRepository {
  constructor(private readonly c: RepoContext) {}

  /** createSyncHistory */
  create(h: NewSyncHistory = {}): SyncHistoryRow {
    const id = this.c.sql.insert(INSERT_RUN, runValues(h, this.c.now()));
    return this.get(id)!;
  }

  /** The owner's open runs stay its own for leaseMs more. */
  renewLeases(owner: string, leaseMs: number): number {
    return this.c.sql.run(RENEW_RUNS, [addMs(this.c.now(), leaseMs), owner]);
  }

  /** Ends the runs a process that is gone left open, as failed "interrupted"; how many. */
  interruptAbandoned(which: AbandonedRuns): number {
    return this.c.sql.run(interruptSql(DURATION_MS, which.expiredOnly), interruptValues(which, this.c.now()));
  }

  get(id: number): SyncHistoryRow | undefined {
    return this.c.sql.get<SyncHistoryRow>(`SELECT ${HISTORY_COLS} FROM sync_history WHERE id = ?`, [id]);
  }

  /** updateSyncHistory; a terminal status stamps completed_at and duration_ms. */
  update(id: number, u: SyncHistoryUpdate): void {
    const t = this.c.now();
    const terminal = u.status === 'completed' || u.status === 'failed' || u.status === 'cancelled';
    const completedAt = u.completedAt !== undefined ? u.completedAt : terminal ? t : undefined;
    this.c.sql.run(
      `UPDATE sync_history SET status = COALESCE(?, status),
        error_message = CASE WHEN ? THEN ? ELSE error_message END,
        total_items = COALESCE(?, total_items),
        completed_at = CASE WHEN ? THEN ? ELSE completed_at END,
        duration_ms = CASE WHEN ? THEN ${DURATION_MS} ELSE duration_ms END,
        updated_at = ? WHERE id = ?`,
      [u.status ?? null, u.errorMessage !== undefined ? 1 : 0, u.errorMessage ?? null, u.totalItems ?? null,
        completedAt !== undefined ? 1 : 0, completedAt ?? null, completedAt ? 1 : 0, completedAt ?? null, t, id]);
  }

  /** incrementSyncHistoryCounters: one UPDATE, `col = col + ?` per given counter. */
  increment(id: number, deltas: Partial<HistoryCounters>): void {
    const keys = (Object.keys(deltas) as HistoryCounter[]).filter((k) => k in HISTORY_COUNTERS && deltas[k]);
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${HISTORY_COUNTERS[k]} = ${HISTORY_COUNTERS[k]} + ?`).join(', ');
    this.c.sql.run(`UPDATE sync_history SET ${sets}, updated_at = ? WHERE id = ?`,
      [...keys.map((k) => deltas[k] ?? 0), this.c.now(), id]);
  }

  /** createSyncHistoryItem, batched in one transaction with one prepared statement. */
  addItems(syncHistoryId: number, items: NewSyncHistoryItem[]): void {
    if (items.length === 0) return;
    const t = this.c.now();
    this.c.sql.tx(() => this.c.sql.batch(
      `INSERT INTO sync_history_items (sync_history_id, ardoq_id, item_name, item_type, status, work_item_id, azure_devops_id,
        azure_devops_url, file_path, file_size, sha256, error_code, error_message, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      items.map((i) => [syncHistoryId, i.ardoqId ?? null, i.itemName, i.itemType ?? 'attachment', i.status, i.workItemId ?? null,
        i.azureDevopsId ?? null, i.azureDevopsUrl ?? null, i.filePath ?? null, i.fileSize ?? null, i.sha256 ?? null,
        i.errorCode ?? null, i.errorMessage ?? null, t])));
  }

  items(syncHistoryId: number, limit = 1000, afterId = 0): SyncHistoryItemRow[] {
    return this.c.sql.all<SyncHistoryItemRow>(
      `SELECT ${HISTORY_ITEM_COLS} FROM sync_history_items WHERE sync_history_id = ? AND id > ? ORDER BY id LIMIT ?`, [syncHistoryId, afterId, limit]);
  }

  /** Keyset page ordered by (started_at DESC, id DESC); stable under inserts. */
  page(filter: HistoryFilter = {}, limit = 50, cursor?: string | null): HistoryPage {
    const { where, params } = filterSql(filter);
    const keyset = cursor ? decodeCursor(cursor) : undefined;
    const pageWhere = keyset ? [...where, '(started_at < ? OR (started_at = ? AND id < ?))'] : where;
    const pageParams = keyset ? [...params, keyset.startedAt, keyset.startedAt, keyset.id] : params;
    const rows = this.c.sql.all<SyncHistoryRow>(
      `SELECT ${HISTORY_COLS} FROM sync_history ${whereSql(pageWhere)} ORDER BY started_at DESC, id DESC LIMIT ?`, [...pageParams, limit + 1]);
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return { rows, nextCursor: more && last ? encodeCursor({ startedAt: last.startedAt, id: last.id }) : null, total: this.count(filter) };
  }

  count(filter: HistoryFilter = {}): number {
    const { where, params } = filterSql(filter);
    return Number(this.c.sql.scalar(`SELECT COUNT(*) FROM sync_history ${whereSql(where)}`, params));
  }

  /** Runs per day (UTC, from started_at) and status, for the chart. */
  dailyCounts(from: string, to: string): DailyCount[] {
    return this.c.sql.all<DailyCount>(
      `SELECT substr(started_at, 1, 10) AS day, status, COUNT(*) AS count FROM sync_history
       WHERE started_at >= ? AND started_at <= ? GROUP BY day, status ORDER BY day, status`, [from, to]);
  }

  /** Explicit user prune: runs (and their items) started before cutoff. */
  pruneBefore(cutoffIso: string): number {
    return this.c.sql.tx(() => {
      this.c.sql.run(`DELETE FROM history_search WHERE run_id IN (SELECT id FROM sync_history WHERE started_at < ?)`, [cutoffIso]);
      this.c.sql.run(`DELETE FROM sync_history_items WHERE sync_history_id IN (SELECT id FROM sync_history WHERE started_at < ?)`, [cutoffIso]);
      return this.c.sql.run(`DELETE FROM sync_history WHERE started_at < ?`, [cutoffIso]);
    });
  }
}

/** How a database finds runs by the text typed: the clause (with its own placeholders) and its values. */
export type TextFilter = (text: string) => { clause: string; params: SqlValue[] };

export function filterSql(f: HistoryFilter, textFilter: TextFilter = ftsText): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: SqlValue[]): void => { where.push(clause); params.push(...values); };
  if (f.status !== undefined) {
    const list = Array.isArray(f.status) ? f.status : [f.status];
    add(`status IN (${list.map(() => '?').join(',')})`, ...list);
  }
  if (f.kind !== undefined) add('kind = ?', f.kind);
  if (f.trigger !== undefined) add('trigger = ?', f.trigger);
  if (f.workItemId !== undefined) add('work_item_id = ?', f.workItemId);
  if (f.projectName !== undefined) add('project_name = ?', f.projectName);
  if (f.from !== undefined) add('started_at >= ?', f.from);
  if (f.to !== undefined) add('started_at <= ?', f.to);
  if (f.text) {
    const { clause, params: values } = textFilter(f.text);
    add(clause, ...values);
  }
  return { where, params };
}

/** The runs whose error or items' names, codes or errors hold the text (LIKE is case-insensitive for ASCII in SQLite). */
export function substringText(text: string, like = 'LIKE'): { clause: string; params: SqlValue[] } {
  const pattern = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const clause = `(error_message ${like} ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM sync_history_items i WHERE i.sync_history_id = sync_history.id
      AND (i.item_name ${like} ? ESCAPE '\\' OR i.error_message ${like} ? ESCAPE '\\' OR i.error_code ${like} ? ESCAPE '\\')))`;
  return { clause, params: [pattern, pattern, pattern, pattern] };
}

/**
 * sql.js: the full-text index finds the runs whose names or errors hold words starting with each
 * word typed; the substring test then keeps exactly what was typed (punctuation included).
 */
function ftsText(text: string): { clause: string; params: SqlValue[] } {
  const substring = substringText(text);
  const words = text.match(/[\p{L}\p{N}]+/gu);
  if (!words) return substring;
  return { clause: `id IN (SELECT run_id FROM history_search WHERE history_search MATCH ?) AND ${substring.clause}`, params: [words.map((w) => `${w}*`).join(' '), ...substring.params] };
}

export const whereSql = (w: string[]): string => (w.length ? `WHERE ${w.join(' AND ')}` : '');
