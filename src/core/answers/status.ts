// The seed's GET /api/sync/status/:workItemId answer (and `ado-sync status --json`): the per-item
// summary with its pending sync (queued, retrying, blocked) and recent events.
import type { DirtyItemRow, EventRow, WorkItemSummary } from '../store';
import type { SyncDbRepositories } from '../store/syncDb';

const RECENT = 10;

export interface StatusAnswer {
  workItemId: number;
  tracked: boolean;
  summary: { total_attachments: number; synced_count: number; pending_count: number; failed_count: number; total_size_bytes: number; last_modified: string | null };
  /** Its row in the sync queue (sync_job_queue): null when nothing waits. */
  pendingSync: { status: string; reasons: string[]; attempts: number; next_run_at: string; last_error: string | null; blocked_reason: string | null;
    blocked_details: Record<string, unknown> | null; first_marked_at: string } | null;
  recentEvents: { id: number; event_type: string; severity: string; message: string; created_at: string }[];
}

/** The work item's row in the sync queue: waiting, retrying after a failure, or blocked by the brake. */
function pendingOf(row: DirtyItemRow | undefined): StatusAnswer['pendingSync'] {
  if (!row) return null;
  return { status: row.status, reasons: row.reasons, attempts: row.attempts, next_run_at: row.nextRunAt, last_error: row.lastError,
    blocked_reason: row.blockedReason, blocked_details: row.blockedDetails, first_marked_at: row.firstMarkedAt };
}

/** GET /api/sync/status/:workItemId, `ado-sync status --json`: from the state database alone. */
export async function workItemStatus(store: SyncDbRepositories, id: number): Promise<StatusAnswer> {
  const s: Partial<WorkItemSummary> = (await store.attachments.summary(id)) ?? {};
  const tracked = await store.trackedItems.get(id);
  return {
    workItemId: id,
    tracked: tracked !== undefined,
    summary: {
      total_attachments: s.totalAttachments ?? 0,
      synced_count: s.syncedCount ?? 0,
      pending_count: s.pendingCount ?? 0,
      failed_count: s.failedCount ?? 0,
      total_size_bytes: s.totalSizeBytes ?? 0,
      last_modified: s.lastModified ?? null,
    },
    pendingSync: pendingOf(await store.dirtyItems.get(tracked?.projectName ?? '', id)),
    recentEvents: (await store.events.recent(RECENT, id)).map((e: EventRow) => ({ id: e.id, event_type: e.eventType, severity: e.severity, message: e.message, created_at: e.createdAt })),
  };
}

