// One work item's attachments as the user sees them: the local records (attachment_sync_metadata)
// merged with the AttachedFile relations ADO has now. The CLI's `list` and the VS Code tree both
// show this, so it lives in core. Matching is by attachment GUID, then by content (the
// [sha256:...] marker of the relation comment), so a record made before its upload finished, or
// restored after the database was lost, still meets its relation.
import { existsSync } from 'node:fs';
import type { AdoClient } from '../ado';
import type { AttachmentRow, SyncStore, WorkItemSummary } from '../store';
import { asSyncDb } from '../store/sqlJsDb';
import type { SyncDb } from '../store/syncDb';
import { stripMarker } from './contentMarker';
import type { WorkItemAttachmentView } from './engineApi';
import { type RemoteAttachment, remoteAttachmentsOf } from './remoteAttachments';

export type AttachmentViewState = 'synced' | 'uploading' | 'queued' | 'failed' | 'in_ado_only' | 'local_only' | 'conflict' | 'remote_removed' | 'deleted_locally';

export type AttachmentViewEntry = WorkItemAttachmentView['attachments'][number] & { state: AttachmentViewState };

export interface WorkItemAttachmentListing extends WorkItemAttachmentView {
  attachments: AttachmentViewEntry[];
  /** Live (not soft-deleted) local records. */
  local: AttachmentRow[];
  remote: RemoteAttachment[];
  /** v_attachment_sync_summary; zeros when the store knows nothing of the item. */
  summary: WorkItemSummary;
}

/** Reads the work item's relations and merges them with the store's records. */
export async function listWorkItemAttachments(client: AdoClient, given: SyncStore | SyncDb, workItemId: number, signal?: AbortSignal): Promise<WorkItemAttachmentListing> {
  const store = asSyncDb(given);
  const item = await client.getWorkItem(workItemId, { expand: 'relations', signal });
  const remote = remoteAttachmentsOf(item);
  const local = await store.attachments.forWorkItem(workItemId);
  // A synced file the user deleted: its relation reads "deleted locally" (download brings it back). A
  // record deleted with its file still there (Delete Local Record) is just "in ADO only".
  const deleted = new Set((await store.attachments.forWorkItem(workItemId, true))
    .filter((r) => r.deletedAt !== null && r.attachmentGuid && r.localPath && !existsSync(r.localPath)).map((r) => r.attachmentGuid as string));
  return {
    workItemId,
    attachments: mergeAttachments(local, remote).map((e) => (e.state === 'in_ado_only' && e.attachmentId && deleted.has(e.attachmentId) ? { ...e, state: 'deleted_locally' } : e)),
    local,
    remote,
    summary: (await store.attachments.summary(workItemId)) ?? emptySummary(workItemId),
  };
}

/** Pure merge, exported for the tree's tests: each relation is claimed by at most one record. */
export function mergeAttachments(local: readonly AttachmentRow[], remote: readonly RemoteAttachment[]): AttachmentViewEntry[] {
  const unclaimed = new Set(remote);
  const claim = (row: AttachmentRow): RemoteAttachment | undefined => {
    const guid = row.attachmentGuid?.toLowerCase();
    const found = [...unclaimed].find((r) => guid !== undefined && r.attachmentId === guid)
      ?? [...unclaimed].find((r) => row.sha256 != null && r.sha256 === row.sha256.toLowerCase());
    if (found) unclaimed.delete(found);
    return found;
  };
  const entries = local.map((row) => localEntry(row, claim(row)));
  for (const r of unclaimed) entries.push({ ...remoteFields(r), state: 'in_ado_only' });
  return entries;
}

function localEntry(row: AttachmentRow, relation: RemoteAttachment | undefined): AttachmentViewEntry {
  const remote = relation ? remoteFields(relation) : undefined;
  return {
    fileName: row.fileName,
    // ADO's identity wins over what the record last saw; the local name and content stay.
    attachmentId: remote?.attachmentId ?? row.attachmentGuid ?? undefined,
    attachmentUrl: remote?.attachmentUrl ?? row.attachmentUrl ?? undefined,
    sha256: row.sha256 ?? remote?.sha256,
    size: row.fileSize,
    comment: remote?.comment ?? userComment(row.comment),
    localPath: row.localPath ?? undefined,
    error: row.errorMessage ?? undefined,
    state: localState(row, relation !== undefined),
  };
}

function remoteFields(r: RemoteAttachment): Omit<AttachmentViewEntry, 'state'> {
  return {
    fileName: r.fileName,
    attachmentId: r.attachmentId,
    attachmentUrl: r.url,
    sha256: r.sha256,
    size: r.size,
    comment: userComment(r.comment),
  };
}

/** The record's own status first (a failure or conflict needs the user whatever ADO has). */
function localState(row: AttachmentRow, linked: boolean): AttachmentViewState {
  switch (row.syncStatus) {
    case 'FAILED': return 'failed';
    case 'CONFLICT': return 'conflict';
    case 'UPLOADING': return 'uploading';
    case 'PENDING': return linked ? 'synced' : 'queued';
    default:
      if (linked) return 'synced';
      // A relation seen gone by a sync, versus one not (yet) linked: upload-only, or removed
      // in ADO since the last sync looked.
      return row.remoteRemovedAt !== null ? 'remote_removed' : 'local_only';
  }
}

/** The user's part of a relation comment, without our marker. */
function userComment(comment: string | null | undefined): string | undefined {
  return comment ? stripMarker(comment) || undefined : undefined;
}

function emptySummary(workItemId: number): WorkItemSummary {
  return { workItemId, totalAttachments: 0, syncedCount: 0, pendingCount: 0, failedCount: 0, totalSizeBytes: 0, lastModified: null };
}
