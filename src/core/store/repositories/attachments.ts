import type { RepoContext } from './context';

export type AttachmentSyncStatus = 'PENDING' | 'UPLOADING' | 'SYNCED' | 'FAILED' | 'DELETED' | 'CONFLICT';
export type AttachmentSource = 'TOOL' | 'ADO';

export interface AttachmentRow {
  id: number; workItemId: number; attachmentGuid: string | null; attachmentUrl: string | null;
  fileName: string; localPath: string | null; fileSize: number; sha256: string | null;
  source: AttachmentSource; syncStatus: AttachmentSyncStatus; version: number; comment: string | null;
  errorMessage: string | null; createdAt: string; updatedAt: string; lastSyncedAt: string | null;
  deletedAt: string | null; remoteRemovedAt: string | null;
  /** 'permanent': a retry cannot mend it (too large, refused); not tried again until the user asks. */
  failureKind: FailureKind | null;
  /** An attach request: the process whose run asked for it (its runs' lease owner). */
  requestedBy: string | null;
}

export type FailureKind = 'permanent' | 'transient';

export interface NewAttachment {
  workItemId: number; fileName: string; fileSize: number; source: AttachmentSource;
  attachmentGuid?: string | null; attachmentUrl?: string | null; localPath?: string | null;
  sha256?: string | null; syncStatus?: AttachmentSyncStatus; comment?: string | null; requestedBy?: string | null;
}

export interface WorkItemSummary {
  workItemId: number; totalAttachments: number; syncedCount: number; pendingCount: number;
  failedCount: number; totalSizeBytes: number; lastModified: string | null;
}

export const ATTACHMENT_COLS = `id, work_item_id AS workItemId, attachment_guid AS attachmentGuid, attachment_url AS attachmentUrl,
  file_name AS fileName, local_path AS localPath, file_size AS fileSize, sha256, source, sync_status AS syncStatus,
  version, comment, error_message AS errorMessage, created_at AS createdAt, updated_at AS updatedAt,
  last_synced_at AS lastSyncedAt, deleted_at AS deletedAt, remote_removed_at AS remoteRemovedAt, failure_kind AS failureKind,
  requested_by AS requestedBy`;

export const INSERT_ATTACHMENT = `INSERT INTO attachment_sync_metadata (work_item_id, attachment_guid, attachment_url, file_name, local_path,
  file_size, sha256, source, sync_status, comment, requested_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`;

export function insertValues(a: NewAttachment, t: string): (string | number | null)[] {
  return [a.workItemId, a.attachmentGuid ?? null, a.attachmentUrl ?? null, a.fileName, a.localPath ?? null, a.fileSize,
    a.sha256 ?? null, a.source, a.syncStatus ?? 'PENDING', a.comment ?? null, a.requestedBy ?? null, t, t];
}

/** An attach request asked for again, by this process (params: requested_by, now, id). */
export const REOPEN_REQUEST = `UPDATE attachment_sync_metadata SET sync_status = 'PENDING', error_message = NULL, failure_kind = NULL,
  requested_by = ?, updated_at = ? WHERE id = ?`;

export const ABANDONED_MESSAGE = 'Nobody waits for this upload any more (its request was cancelled, or the server process that received it stopped) and it was not sent; send it again.';

/**
 * Attach requests still open whose asking process has no open run with a live lease, and which are
 * older than a lease (the request is written just before its run): failed, so they neither stay
 * queued nor hold their name. Params: message, now, stale before, now.
 */
export const FAIL_ABANDONED_REQUESTS = `UPDATE attachment_sync_metadata SET sync_status = 'FAILED', failure_kind = 'permanent', error_message = ?, updated_at = ?
  WHERE requested_by IS NOT NULL AND attachment_guid IS NULL AND deleted_at IS NULL AND sync_status IN ('PENDING', 'UPLOADING') AND updated_at < ?
    AND NOT EXISTS (SELECT 1 FROM sync_history h WHERE h.lease_owner = attachment_sync_metadata.requested_by
      AND h.status IN ('pending', 'in_progress') AND h.lease_expires_at >= ?)`;

/** Live records of every tracked work item, ordered as forWorkItem() orders each. */
export const OF_TRACKED_ITEMS = `SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata
  WHERE deleted_at IS NULL AND work_item_id IN (SELECT work_item_id FROM tracked_work_items) ORDER BY work_item_id, id`;

/** attachment_sync_metadata: one row per file known on a work item. */
export class AttachmentRepository {
  constructor(private readonly c: RepoContext) {}

  insert(a: NewAttachment): AttachmentRow {
    const id = this.c.sql.insert(INSERT_ATTACHMENT, insertValues(a, this.c.now()));
    return this.get(id)!;
  }

  /** An attach request asked for again (the same file and bytes), now by `requestedBy`. */
  reopenRequest(id: number, requestedBy: string | null): void {
    this.c.sql.run(REOPEN_REQUEST, [requestedBy, this.c.now(), id]);
  }

  /** Fails the attach requests of processes that are gone (see FAIL_ABANDONED_REQUESTS); how many. */
  failAbandonedRequests(staleBefore: string): number {
    const t = this.c.now();
    return this.c.sql.run(FAIL_ABANDONED_REQUESTS, [ABANDONED_MESSAGE, t, staleBefore, t]);
  }

  get(id: number): AttachmentRow | undefined {
    return this.c.sql.get<AttachmentRow>(`SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata WHERE id = ?`, [id]);
  }

  byGuid(guid: string): AttachmentRow | undefined {
    return this.c.sql.get<AttachmentRow>(`SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata WHERE attachment_guid = ?`, [guid]);
  }

  /** The record of this attachment on this work item (one attachment may be linked to several). */
  forWorkItemAndGuid(workItemId: number, guid: string): AttachmentRow | undefined {
    return this.c.sql.get<AttachmentRow>(
      `SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata WHERE work_item_id = ? AND attachment_guid = ? ORDER BY id DESC LIMIT 1`, [workItemId, guid]);
  }

  /** Every record of this attachment (it may be linked to several work items). */
  listByGuid(guid: string): AttachmentRow[] {
    return this.c.sql.all<AttachmentRow>(`SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata WHERE attachment_guid = ? ORDER BY id`, [guid]);
  }

  /** The latest record of this content on this work item. */
  forWorkItemAndSha(workItemId: number, sha256: string): AttachmentRow | undefined {
    return this.c.sql.get<AttachmentRow>(
      `SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata WHERE work_item_id = ? AND sha256 = ? ORDER BY id DESC LIMIT 1`, [workItemId, sha256]);
  }

  /** Live (not soft-deleted) rows unless includeDeleted. */
  forWorkItem(workItemId: number, includeDeleted = false): AttachmentRow[] {
    return this.c.sql.all<AttachmentRow>(
      `SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata WHERE work_item_id = ? ${includeDeleted ? '' : 'AND deleted_at IS NULL'} ORDER BY id`,
      [workItemId]);
  }

  /** The live records of every tracked work item in one query (the Explorer badges; not a query per work item). */
  ofTrackedItems(): AttachmentRow[] {
    return this.c.sql.all<AttachmentRow>(OF_TRACKED_ITEMS);
  }

  /** What a poll compares the mirror folder with, for every live record in one query (not one per work item). */
  liveContent(): Pick<AttachmentRow, 'workItemId' | 'sha256' | 'localPath' | 'lastSyncedAt' | 'remoteRemovedAt'>[] {
    return this.c.sql.all(
      `SELECT work_item_id AS workItemId, sha256, local_path AS localPath, last_synced_at AS lastSyncedAt, remote_removed_at AS remoteRemovedAt
       FROM attachment_sync_metadata WHERE deleted_at IS NULL`);
  }

  bySha256(sha256: string): AttachmentRow[] {
    return this.c.sql.all<AttachmentRow>(`SELECT ${ATTACHMENT_COLS} FROM attachment_sync_metadata WHERE sha256 = ? ORDER BY id`, [sha256]);
  }

  setStatus(id: number, status: AttachmentSyncStatus, errorMessage: string | null = null): void {
    const t = this.c.now();
    this.c.sql.run(
      `UPDATE attachment_sync_metadata SET sync_status = ?, error_message = ?, updated_at = ?, failure_kind = NULL,
        last_synced_at = CASE WHEN ? = 'SYNCED' THEN ? ELSE last_synced_at END WHERE id = ?`,
      [status, errorMessage, t, status, t, id]);
  }

  /** A failed upload or download, with whether a retry can mend it. */
  setFailed(id: number, errorMessage: string, kind: FailureKind): void {
    const t = this.c.now();
    this.c.sql.run(`UPDATE attachment_sync_metadata SET sync_status = 'FAILED', error_message = ?, failure_kind = ?, updated_at = ? WHERE id = ?`,
      [errorMessage, kind, t, id]);
  }

  /** The file moved (renamed locally, or allocated anew): the record follows it. */
  setLocalPath(id: number, localPath: string | null): void {
    this.c.sql.run(`UPDATE attachment_sync_metadata SET local_path = ?, updated_at = ? WHERE id = ?`, [localPath, this.c.now(), id]);
  }

  /** Undoes a soft delete (the user downloaded the attachment again). */
  restore(id: number): void {
    const t = this.c.now();
    this.c.sql.run(`UPDATE attachment_sync_metadata SET deleted_at = NULL, updated_at = ? WHERE id = ?`, [t, id]);
  }

  /** Records the remote identity after upload/link; bumps the version. */
  markSynced(id: number, remote: { attachmentGuid: string; attachmentUrl: string; sha256?: string }): void {
    const t = this.c.now();
    this.c.sql.run(
      `UPDATE attachment_sync_metadata SET attachment_guid = ?, attachment_url = ?, sha256 = COALESCE(?, sha256),
        sync_status = 'SYNCED', error_message = NULL, failure_kind = NULL, version = version + 1, updated_at = ?, last_synced_at = ? WHERE id = ?`,
      [remote.attachmentGuid, remote.attachmentUrl, remote.sha256 ?? null, t, t, id]);
  }

  softDelete(id: number): void {
    const t = this.c.now();
    this.c.sql.run(`UPDATE attachment_sync_metadata SET deleted_at = ?, sync_status = 'DELETED', updated_at = ? WHERE id = ?`, [t, t, id]);
  }

  markRemoteRemoved(id: number): void {
    const t = this.c.now();
    this.c.sql.run(`UPDATE attachment_sync_metadata SET remote_removed_at = ?, updated_at = ? WHERE id = ?`, [t, t, id]);
  }

  /** The seed's status response, from v_attachment_sync_summary. */
  summary(workItemId: number): WorkItemSummary | undefined {
    return this.c.sql.get<WorkItemSummary>(
      `SELECT work_item_id AS workItemId, total_attachments AS totalAttachments, synced_count AS syncedCount,
        pending_count AS pendingCount, failed_count AS failedCount, total_size_bytes AS totalSizeBytes,
        last_modified AS lastModified FROM v_attachment_sync_summary WHERE work_item_id = ?`, [workItemId]);
  }
}
