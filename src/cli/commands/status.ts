// `ado-sync status <workItemId>`: the seed's GET /api/sync/status/:workItemId, the per-item
// summary with its pending sync (queued, retrying, blocked) and recent events, from the state database alone (read-only).
import type { DirtyItemRow, EventRow, SyncStore, WorkItemSummary } from '../../core/store';
import { onePositional, workItemId } from '../args';
import type { Command } from '../command';
import { ExitCode } from '../exitCodes';
import { formatBytes } from '../../shared/format';
import { withReadStore } from '../session';
import { table } from '../table';

const RECENT = 10;

interface StatusAnswer {
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

function statusOf(store: SyncStore, id: number): StatusAnswer {
  const s: Partial<WorkItemSummary> = store.attachments.summary(id) ?? {};
  return {
    workItemId: id,
    tracked: store.trackedItems.get(id) !== undefined,
    summary: {
      total_attachments: s.totalAttachments ?? 0,
      synced_count: s.syncedCount ?? 0,
      pending_count: s.pendingCount ?? 0,
      failed_count: s.failedCount ?? 0,
      total_size_bytes: s.totalSizeBytes ?? 0,
      last_modified: s.lastModified ?? null,
    },
    pendingSync: pendingOf(store.dirtyItems.get(store.trackedItems.get(id)?.projectName ?? '', id)),
    recentEvents: store.events.recent(RECENT, id).map((e: EventRow) => ({ id: e.id, event_type: e.eventType, severity: e.severity, message: e.message, created_at: e.createdAt })),
  };
}

function statusHuman(a: StatusAnswer): string {
  const s = a.summary;
  const lines = [
    `Work item ${a.workItemId}${a.tracked ? ' (tracked)' : ''}: ${s.total_attachments} attachment(s), ${s.synced_count} synced, ${s.pending_count} pending, ${s.failed_count} failed, ${formatBytes(s.total_size_bytes)}${s.last_modified ? `, last change ${s.last_modified}` : ''}.`,
  ];
  const p = a.pendingSync;
  if (p) {
    lines.push('', p.status === 'BLOCKED'
      ? `Sync blocked (${p.blocked_reason ?? 'brake'}): ${JSON.stringify(p.blocked_details)}. Confirm with "ado-sync sync --work-item ${a.workItemId} --force".`
      : `Sync pending since ${p.first_marked_at} (${p.reasons.join(', ')}), ${p.attempts} failed tr${p.attempts === 1 ? 'y' : 'ies'}, next at ${p.next_run_at}${p.last_error ? `; last error: ${p.last_error}` : ''}.`);
  }
  if (a.recentEvents.length) lines.push('', 'Recent events:', table(['TIME', 'SEVERITY', 'EVENT', 'MESSAGE'], a.recentEvents.map((e) => [e.created_at, e.severity, e.event_type, e.message])));
  return lines.join('\n');
}

export const statusCommand: Command = {
  name: 'status',
  summary: "Show a work item's sync summary, its pending sync and recent events from the state database.",
  usage: '<workItemId>',
  options: {},
  async run(context) {
    const id = workItemId(onePositional(context.positionals, 'work item id'), 'The argument');
    return withReadStore(context, async ({ store }) => {
      const answer = statusOf(store, id);
      context.output.result(answer, () => statusHuman(answer));
      return ExitCode.ok;
    });
  },
};
