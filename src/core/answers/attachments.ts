// The seed's answers about attachments (upload, link, download, list), shared by the CLI's --json
// and the HTTP API of `ado-sync serve`, so that both speak one shape.
import type { ItemOutcome, RunSummary } from '../sync/engineApi';
import type { WorkItemAttachmentListing } from '../sync/workItemAttachments';

/** { workItemId: 1 } -> { work_item_id: 1 }: the seed's API answers with the database's column names. */
export function snakeKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** An attachment in the seed's upload answer, with our outcome beside it. */
export function attachmentJson(i: ItemOutcome) {
  return {
    attachmentGuid: i.attachmentId ?? null,
    attachmentUrl: i.attachmentUrl ?? null,
    fileName: i.fileName,
    // The content was in Azure DevOps already: linked without sending the bytes, or already on the item.
    isDuplicate: i.status === 'duplicate' || i.status === 'linked',
    status: i.status,
    sha256: i.sha256 ?? null,
    size: i.size ?? null,
    ...(i.localPath ? { localPath: i.localPath } : {}),
    ...(i.error ? { error: i.error } : {}),
  };
}

function attachMessage(items: readonly ItemOutcome[], link: boolean): string {
  const ok = items.filter((i) => i.status !== 'failed').length;
  const what = link ? 'uploaded and linked' : 'uploaded';
  return items.length === 1 ? (ok ? `Attachment ${what}` : 'Attachment failed') : `${ok} of ${items.length} attachments ${what}`;
}

/**
 * POST /api/sync/upload, `ado-sync attach --json`. `files`: the files this answer is about, when
 * the run also carried out others' requests (its work item's failure, without a file, stays).
 */
export function attachAnswer(summary: RunSummary, link: boolean, files?: readonly string[]) {
  const items = files ? summary.items.filter((i) => !i.localPath || files.includes(i.localPath)) : summary.items;
  const attachments = items.map(attachmentJson);
  return { success: summary.status === 'completed', message: attachMessage(items, link), attachment: attachments[0] ?? null, attachments, run: summary };
}

/** POST /api/sync/link-attachment, `ado-sync link --json`. */
export function linkAnswer(summary: RunSummary) {
  const item = summary.items[0];
  const message = item?.status === 'linked' ? 'Attachment linked' : item?.status === 'duplicate' ? 'Attachment was already linked' : 'Link failed';
  return { success: summary.status === 'completed', message, attachment: item ? attachmentJson(item) : null, run: summary };
}

const DOWNLOAD_MESSAGES: Partial<Record<ItemOutcome['status'], string>> = {
  downloaded: 'Attachment downloaded',
  duplicate: 'The same file is already in the mirror folder',
  conflict: 'A different local file has that name: the attachment was saved beside it under a conflict name',
};

const FAILED: ReadonlySet<ItemOutcome['status']> = new Set(['failed', 'cancelled']);

/** POST /api/sync/download/:guid, `ado-sync download --json`. */
export function downloadAnswer(outcome: ItemOutcome) {
  return { success: !FAILED.has(outcome.status), message: DOWNLOAD_MESSAGES[outcome.status] ?? 'Download failed', attachment: attachmentJson(outcome) };
}

/** A run as the seed's force-sync answers it: the summary, with the seed's success flag. */
export function runJson(s: RunSummary, message: string): Record<string, unknown> {
  return { success: s.status === 'completed', message, status: s.status.toUpperCase(), run: s };
}

/** DELETE /api/sync/attachments/:guid, `ado-sync delete --json`: the soft delete of a local record. */
export function deleteAnswer(attachmentGuid: string) {
  return { success: true, message: 'Attachment record deleted locally; Azure DevOps is unchanged', attachmentGuid };
}

const PENDING_STATES = new Set(['queued', 'uploading']);

/** GET /api/sync/attachments/:workItemId, `ado-sync list --json`. */
export function listJson(listing: WorkItemAttachmentListing) {
  const count = (test: (state: string) => boolean) => listing.attachments.filter((a) => test(a.state)).length;
  return {
    workItemId: listing.workItemId,
    localAttachments: listing.local.map(snakeKeys),
    adoAttachments: listing.remote.map((r) => ({ guid: r.attachmentId, name: r.fileName, url: r.url, comment: r.comment ?? null, size: r.size ?? null, sha256: r.sha256 ?? null })),
    syncSummary: {
      localCount: listing.local.length,
      adoCount: listing.remote.length,
      syncedCount: count((s) => s === 'synced'),
      pendingCount: count((s) => PENDING_STATES.has(s)),
      failedCount: count((s) => s === 'failed'),
      conflictCount: count((s) => s === 'conflict'),
    },
    attachments: listing.attachments,
  };
}
