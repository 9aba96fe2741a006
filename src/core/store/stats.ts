import type { AttachmentSyncStatus } from './repositories/attachments';
import type { SyncHistoryStatus } from './repositories/history';
import type { DirtyStatus } from './repositories/dirtyItems';
import type { Sql } from './sqlite';

export interface SyncStats {
  runs: { total: number; byStatus: Partial<Record<SyncHistoryStatus, number>>; lastStartedAt: string | null };
  items: { total: number; failed: number };
  bytesTransferred: number;
  attachments: { total: number; byStatus: Partial<Record<AttachmentSyncStatus, number>>; totalSizeBytes: number };
  jobs: Partial<Record<DirtyStatus, number>>;
  trackedWorkItems: number;
}

function grouped<K extends string>(sql: Sql, q: string): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const r of sql.all<{ k: K; n: number }>(q)) out[r.k] = r.n;
  return out;
}

/** getSyncStats (seed 002): totals for the history header and the status command. */
export function getSyncStats(sql: Sql): SyncStats {
  const runs = sql.get<{ total: number; last: string | null; bytes: number }>(
    `SELECT COUNT(*) AS total, MAX(started_at) AS last, COALESCE(SUM(bytes_transferred), 0) AS bytes FROM sync_history`)!;
  const items = sql.get<{ total: number; failed: number }>(
    `SELECT COUNT(*) AS total, COALESCE(SUM(status = 'failed'), 0) AS failed FROM sync_history_items`)!;
  const att = sql.get<{ total: number; size: number }>(
    `SELECT COUNT(*) AS total, COALESCE(SUM(file_size), 0) AS size FROM attachment_sync_metadata WHERE deleted_at IS NULL`)!;
  return {
    runs: { total: runs.total, byStatus: grouped(sql, `SELECT status AS k, COUNT(*) AS n FROM sync_history GROUP BY status`), lastStartedAt: runs.last },
    items,
    bytesTransferred: runs.bytes,
    attachments: {
      total: att.total, totalSizeBytes: att.size,
      byStatus: grouped(sql, `SELECT sync_status AS k, COUNT(*) AS n FROM attachment_sync_metadata GROUP BY sync_status`),
    },
    jobs: grouped(sql, `SELECT status AS k, COUNT(*) AS n FROM sync_job_queue GROUP BY status`),
    trackedWorkItems: Number(sql.scalar(`SELECT COUNT(*) FROM tracked_work_items`)),
  };
}
