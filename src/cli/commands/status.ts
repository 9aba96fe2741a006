// `ado-sync status <workItemId>`: the seed's GET /api/sync/status/:workItemId, the per-item
// summary with the recent jobs and events, from the state database alone (read-only).
import type { EventRow, JobRow, SyncStore, WorkItemSummary } from '../../core/store';
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
  recentJobs: { id: number; job_type: string; status: string; attempts: number; last_error: string | null; created_at: string; completed_at: string | null }[];
  recentEvents: { id: number; event_type: string; severity: string; message: string; created_at: string }[];
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
    recentJobs: store.jobs.recentForWorkItem(id, RECENT).map((j: JobRow) => ({
      id: j.id, job_type: j.jobType, status: j.status, attempts: j.attempts, last_error: j.lastError, created_at: j.createdAt, completed_at: j.completedAt,
    })),
    recentEvents: store.events.recent(RECENT, id).map((e: EventRow) => ({ id: e.id, event_type: e.eventType, severity: e.severity, message: e.message, created_at: e.createdAt })),
  };
}

function statusHuman(a: StatusAnswer): string {
  const s = a.summary;
  const lines = [
    `Work item ${a.workItemId}${a.tracked ? ' (tracked)' : ''}: ${s.total_attachments} attachment(s), ${s.synced_count} synced, ${s.pending_count} pending, ${s.failed_count} failed, ${formatBytes(s.total_size_bytes)}${s.last_modified ? `, last change ${s.last_modified}` : ''}.`,
  ];
  if (a.recentJobs.length) lines.push('', 'Recent jobs:', table(['ID', 'TYPE', 'STATUS', 'TRIES', 'CREATED', 'ERROR'], a.recentJobs.map((j) => [String(j.id), j.job_type, j.status, String(j.attempts), j.created_at, j.last_error ?? ''])));
  if (a.recentEvents.length) lines.push('', 'Recent events:', table(['TIME', 'SEVERITY', 'EVENT', 'MESSAGE'], a.recentEvents.map((e) => [e.created_at, e.severity, e.event_type, e.message])));
  return lines.join('\n');
}

export const statusCommand: Command = {
  name: 'status',
  summary: "Show a work item's sync summary, recent jobs and recent events from the state database.",
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
