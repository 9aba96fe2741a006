// `ado-sync status <workItemId>`: the seed's GET /api/sync/status/:workItemId, the per-item
// summary with its pending sync (queued, retrying, blocked) and recent events, from the state database alone (read-only).
import { workItemStatus, type StatusAnswer } from '../../core/answers/status';
import { onePositional, workItemId } from '../args';
import type { Command } from '../command';
import { ExitCode } from '../exitCodes';
import { formatBytes } from '../../shared/format';
import { withReadStore } from '../session';
import { table } from '../table';

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
    return withReadStore(context, async ({ db }) => {
      const answer = await workItemStatus(db, id);
      context.output.result(answer, () => statusHuman(answer));
      return ExitCode.ok;
    });
  },
};
