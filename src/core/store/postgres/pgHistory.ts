import { decodeCursor, encodeCursor } from '../cursor';
import type { AsyncRepository } from '../syncDb';
import { addMs } from '../repositories/dirtyItems';
import { filterSql, HISTORY_COLS as COLS, HISTORY_COUNTERS, HISTORY_ITEM_COLS as ITEM_COLS, INSERT_RUN, interruptSql, interruptValues, RENEW_RUNS, runValues,
  substringText, whereSql, type AbandonedRuns, type DailyCount, type HistoryCounter, type HistoryCounters, type HistoryFilter, type HistoryPage, type HistoryRepository, type NewSyncHistory,
  type NewSyncHistoryItem, type SyncHistoryItemRow, type SyncHistoryRow, type SyncHistoryUpdate } from '../repositories/history';
import type { PgContext } from './pgContext';
import type { PgValue } from './pgSql';

/** PostgreSQL has no fts4 index here: the substring test alone, case-insensitive like SQLite's LIKE. */
const textFilter = (text: string) => substringText(text, 'ILIKE');

const DURATION_MS = `ROUND(EXTRACT(EPOCH FROM (?::timestamptz - started_at::timestamptz)) * 1000)::bigint`;

/** sync_history + sync_history_items on PostgreSQL. */
export class PgHistoryRepository implements AsyncRepository<HistoryRepository> {
  constructor(private readonly c: PgContext) {}

  async create(h: NewSyncHistory = {}): Promise<SyncHistoryRow> {
    const id = await this.c.sql.insert(INSERT_RUN, runValues(h, this.c.now()) as PgValue[]);
    return (await this.get(id))!;
  }

  renewLeases(owner: string, leaseMs: number): Promise<number> {
    return this.c.sql.run(RENEW_RUNS, [addMs(this.c.now(), leaseMs), owner]);
  }

  /** Several processes may end the same run at once: the row lock lets one; the other finds it ended. */
  interruptAbandoned(which: AbandonedRuns): Promise<number> {
    return this.c.sql.run(interruptSql(DURATION_MS, which.expiredOnly), interruptValues(which, this.c.now()) as PgValue[]);
  }

  get(id: number): Promise<SyncHistoryRow | undefined> {
    return this.c.sql.get<SyncHistoryRow>(`SELECT ${COLS} FROM sync_history WHERE id = ?`, [id]);
  }

  async update(id: number, u: SyncHistoryUpdate): Promise<void> {
    const t = this.c.now();
    const terminal = u.status === 'completed' || u.status === 'failed' || u.status === 'cancelled';
    const completedAt = u.completedAt !== undefined ? u.completedAt : terminal ? t : undefined;
    await this.c.sql.run(
      `UPDATE sync_history SET status = COALESCE(?, status),
        error_message = CASE WHEN ?::integer = 1 THEN ? ELSE error_message END,
        total_items = COALESCE(?, total_items),
        completed_at = CASE WHEN ?::integer = 1 THEN ? ELSE completed_at END,
        duration_ms = CASE WHEN ?::integer = 1 THEN ${DURATION_MS} ELSE duration_ms END,
        updated_at = ? WHERE id = ?`,
      [u.status ?? null, u.errorMessage !== undefined ? 1 : 0, u.errorMessage ?? null, u.totalItems ?? null,
        completedAt !== undefined ? 1 : 0, completedAt ?? null, completedAt ? 1 : 0, completedAt ?? null, t, id]);
  }

  async increment(id: number, deltas: Partial<HistoryCounters>): Promise<void> {
    const keys = (Object.keys(deltas) as HistoryCounter[]).filter((k) => k in HISTORY_COUNTERS && deltas[k]);
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${HISTORY_COUNTERS[k]} = ${HISTORY_COUNTERS[k]} + ?::bigint`).join(', ');
    await this.c.sql.run(`UPDATE sync_history SET ${sets}, updated_at = ? WHERE id = ?`, [...keys.map((k) => deltas[k] ?? 0), this.c.now(), id]);
  }

  /** All items in one multi-row INSERT (one round trip). */
  async addItems(syncHistoryId: number, items: NewSyncHistoryItem[]): Promise<void> {
    if (items.length === 0) return;
    const t = this.c.now();
    const values: PgValue[] = [];
    for (const i of items) {
      values.push(syncHistoryId, i.ardoqId ?? null, i.itemName, i.itemType ?? 'attachment', i.status, i.workItemId ?? null,
        i.azureDevopsId ?? null, i.azureDevopsUrl ?? null, i.filePath ?? null, i.fileSize ?? null, i.sha256 ?? null,
        i.errorCode ?? null, i.errorMessage ?? null, t);
    }
    await this.c.sql.run(
      `INSERT INTO sync_history_items (sync_history_id, ardoq_id, item_name, item_type, status, work_item_id, azure_devops_id,
        azure_devops_url, file_path, file_size, sha256, error_code, error_message, created_at) VALUES
        ${items.map(() => '(?,?,?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`, values);
  }

  items(syncHistoryId: number, limit = 1000, afterId = 0): Promise<SyncHistoryItemRow[]> {
    return this.c.sql.all<SyncHistoryItemRow>(
      `SELECT ${ITEM_COLS} FROM sync_history_items WHERE sync_history_id = ? AND id > ? ORDER BY id LIMIT ?`, [syncHistoryId, afterId, limit]);
  }

  async page(filter: HistoryFilter = {}, limit = 50, cursor?: string | null): Promise<HistoryPage> {
    const { where, params } = filterSql(filter, textFilter);
    const keyset = cursor ? decodeCursor(cursor) : undefined;
    const pageWhere = keyset ? [...where, '(started_at < ? OR (started_at = ? AND id < ?))'] : where;
    const pageParams = keyset ? [...params, keyset.startedAt, keyset.startedAt, keyset.id] : params;
    const rows = await this.c.sql.all<SyncHistoryRow>(
      `SELECT ${COLS} FROM sync_history ${whereSql(pageWhere)} ORDER BY started_at DESC, id DESC LIMIT ?`, [...(pageParams as PgValue[]), limit + 1]);
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return { rows, nextCursor: more && last ? encodeCursor({ startedAt: last.startedAt, id: last.id }) : null, total: await this.count(filter) };
  }

  async count(filter: HistoryFilter = {}): Promise<number> {
    const { where, params } = filterSql(filter, textFilter);
    return Number(await this.c.sql.scalar(`SELECT COUNT(*) FROM sync_history ${whereSql(where)}`, params as PgValue[]));
  }

  dailyCounts(from: string, to: string): Promise<DailyCount[]> {
    return this.c.sql.all<DailyCount>(
      `SELECT substr(started_at, 1, 10) AS day, status, COUNT(*)::integer AS count FROM sync_history
       WHERE started_at >= ? AND started_at <= ? GROUP BY day, status ORDER BY day, status`, [from, to]);
  }

  /** Items go with their runs (ON DELETE CASCADE). */
  pruneBefore(cutoffIso: string): Promise<number> {
    return this.c.sql.run(`DELETE FROM sync_history WHERE started_at < ?`, [cutoffIso]);
  }
}
