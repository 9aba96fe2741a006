// `ado-sync list <workItemId>`: the seed's GET /api/sync/attachments/:workItemId, local records
// and ADO attachments side by side, plus each file's sync state.
import { listJson } from '../../core/answers/attachments';
import { listWorkItemAttachments, type WorkItemAttachmentListing } from '../../core/sync/workItemAttachments';
import { onePositional, workItemId } from '../args';
import type { Command } from '../command';
import { ExitCode } from '../exitCodes';
import { formatBytes } from '../../shared/format';
import { withClient } from '../session';
import { table } from '../table';

function listHuman(listing: WorkItemAttachmentListing): string {
  const { syncSummary: s } = listJson(listing);
  const head = `Work item ${listing.workItemId}: ${s.adoCount} attachment(s) in Azure DevOps, ${s.localCount} local record(s); ${s.syncedCount} synced, ${s.pendingCount} pending, ${s.failedCount} failed, ${s.conflictCount} in conflict.`;
  if (listing.attachments.length === 0) return head;
  const rows = listing.attachments.map((a) => [
    a.state,
    a.fileName,
    a.size === undefined ? '' : formatBytes(a.size),
    a.attachmentId ?? '',
    a.error ?? a.comment ?? '',
  ]);
  return `${head}\n\n${table(['STATE', 'FILE', 'SIZE', 'ATTACHMENT', 'NOTE'], rows)}`;
}

export const listCommand: Command = {
  name: 'list',
  summary: "List a work item's attachments, local and in Azure DevOps, with each file's sync state.",
  usage: '<workItemId>',
  options: {},
  async run(context) {
    const id = workItemId(onePositional(context.positionals, 'work item id'), 'The argument');
    return withClient(context, async ({ client, db }) => {
      const listing = await listWorkItemAttachments(client, db, id, context.signal);
      context.output.result(listJson(listing), () => listHuman(listing));
      return ExitCode.ok;
    }, { readOnly: true });
  },
};
