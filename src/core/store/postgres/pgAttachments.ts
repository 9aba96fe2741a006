import type { AsyncRepository } from '../syncDb';
import { ABANDONED_MESSAGE, ATTACHMENT_COLS as COLS, FAIL_ABANDONED_REQUESTS, INSERT_ATTACHMENT, insertValues, OF_TRACKED_ITEMS, REOPEN_REQUEST, type AttachmentRepository, type AttachmentRow, type AttachmentSyncStatus, type FailureKind,
  type NewAttachment, type WorkItemSummary } from '../repositories/attachments';
import type { PgContext } from './pgContext';

type LiveContent = Pick<AttachmentRow, 'workItemId' | 'sha256' | 'localPath' | 'lastSyncedAt' | 'remoteRemovedAt'>;

/** attachment_sync_metadata on PostgreSQL. */
export class PgAttachmentRepository implements AsyncRepository<AttachmentRepository> {
  constructor(private readonly c: PgContext) {}

  async insert(a: NewAttachment): Promise<AttachmentRow> {
    const id = await this.c.sql.insert(INSERT_ATTACHMENT, insertValues(a, this.c.now()));
    return (await this.get(id))!;
  }

  async reopenRequest(id: number, requestedBy: string | null): Promise<void> {
    await this.c.sql.run(REOPEN_REQUEST, [requestedBy, this.c.now(), id]);
  }

  failAbandonedRequests(staleBefore: string): Promise<number> {
    const t = this.c.now();
    return this.c.sql.run(FAIL_ABANDONED_REQUESTS, [ABANDONED_MESSAGE, t, staleBefore, t]);
  }

  get(id: number): Promise<AttachmentRow | undefined> {
    return this.c.sql.get<AttachmentRow>(`SELECT ${COLS} FROM attachment_sync_metadata WHERE id = ?`, [id]);
  }

  byGuid(guid: string): Promise<AttachmentRow | undefined> {
    return this.c.sql.get<AttachmentRow>(`SELECT ${COLS} FROM attachment_sync_metadata WHERE attachment_guid = ? ORDER BY id LIMIT 1`, [guid]);
  }

  forWorkItemAndGuid(workItemId: number, guid: string): Promise<AttachmentRow | undefined> {
    return this.c.sql.get<AttachmentRow>(
      `SELECT ${COLS} FROM attachment_sync_metadata WHERE work_item_id = ? AND attachment_guid = ? ORDER BY id DESC LIMIT 1`, [workItemId, guid]);
  }

  listByGuid(guid: string): Promise<AttachmentRow[]> {
    return this.c.sql.all<AttachmentRow>(`SELECT ${COLS} FROM attachment_sync_metadata WHERE attachment_guid = ? ORDER BY id`, [guid]);
  }

  forWorkItemAndSha(workItemId: number, sha256: string): Promise<AttachmentRow | undefined> {
    return this.c.sql.get<AttachmentRow>(
      `SELECT ${COLS} FROM attachment_sync_metadata WHERE work_item_id = ? AND sha256 = ? ORDER BY id DESC LIMIT 1`, [workItemId, sha256]);
  }

  forWorkItem(workItemId: number, includeDeleted = false): Promise<AttachmentRow[]> {
    return this.c.sql.all<AttachmentRow>(
      `SELECT ${COLS} FROM attachment_sync_metadata WHERE work_item_id = ? ${includeDeleted ? '' : 'AND deleted_at IS NULL'} ORDER BY id`,
      [workItemId]);
  }

  ofTrackedItems(): Promise<AttachmentRow[]> {
    return this.c.sql.all<AttachmentRow>(OF_TRACKED_ITEMS);
  }

  liveContent(): Promise<LiveContent[]> {
    return this.c.sql.all<LiveContent>(
      `SELECT work_item_id AS workItemId, sha256, local_path AS localPath, last_synced_at AS lastSyncedAt, remote_removed_at AS remoteRemovedAt
       FROM attachment_sync_metadata WHERE deleted_at IS NULL`);
  }

  bySha256(sha256: string): Promise<AttachmentRow[]> {
    return this.c.sql.all<AttachmentRow>(`SELECT ${COLS} FROM attachment_sync_metadata WHERE sha256 = ? ORDER BY id`, [sha256]);
  }

  async setStatus(id: number, status: AttachmentSyncStatus, errorMessage: string | null = null): Promise<void> {
    const t = this.c.now();
    await this.c.sql.run(
      `UPDATE attachment_sync_metadata SET sync_status = ?, error_message = ?, updated_at = ?, failure_kind = NULL,
        last_synced_at = CASE WHEN ?::text = 'SYNCED' THEN ? ELSE last_synced_at END WHERE id = ?`,
      [status, errorMessage, t, status, t, id]);
  }

  async setFailed(id: number, errorMessage: string, kind: FailureKind): Promise<void> {
    await this.c.sql.run(`UPDATE attachment_sync_metadata SET sync_status = 'FAILED', error_message = ?, failure_kind = ?, updated_at = ? WHERE id = ?`,
      [errorMessage, kind, this.c.now(), id]);
  }

  async setLocalPath(id: number, localPath: string | null): Promise<void> {
    await this.c.sql.run(`UPDATE attachment_sync_metadata SET local_path = ?, updated_at = ? WHERE id = ?`, [localPath, this.c.now(), id]);
  }

  async restore(id: number): Promise<void> {
    await this.c.sql.run(`UPDATE attachment_sync_metadata SET deleted_at = NULL, updated_at = ? WHERE id = ?`, [this.c.now(), id]);
  }

  async markSynced(id: number, remote: { attachmentGuid: string; attachmentUrl: string; sha256?: string }): Promise<void> {
    const t = this.c.now();
    await this.c.sql.run(
      `UPDATE attachment_sync_metadata SET attachment_guid = ?, attachment_url = ?, sha256 = COALESCE(?, sha256),
        sync_status = 'SYNCED', error_message = NULL, failure_kind = NULL, version = version + 1, updated_at = ?, last_synced_at = ? WHERE id = ?`,
      [remote.attachmentGuid, remote.attachmentUrl, remote.sha256 ?? null, t, t, id]);
  }

  async softDelete(id: number): Promise<void> {
    const t = this.c.now();
    await this.c.sql.run(`UPDATE attachment_sync_metadata SET deleted_at = ?, sync_status = 'DELETED', updated_at = ? WHERE id = ?`, [t, t, id]);
  }

  async markRemoteRemoved(id: number): Promise<void> {
    const t = this.c.now();
    await this.c.sql.run(`UPDATE attachment_sync_metadata SET remote_removed_at = ?, updated_at = ? WHERE id = ?`, [t, t, id]);
  }

  summary(workItemId: number): Promise<WorkItemSummary | undefined> {
    return this.c.sql.get<WorkItemSummary>(
      `SELECT work_item_id AS workItemId, total_attachments AS totalAttachments, synced_count AS syncedCount,
        pending_count AS pendingCount, failed_count AS failedCount, total_size_bytes AS totalSizeBytes,
        last_modified AS lastModified FROM v_attachment_sync_summary WHERE work_item_id = ?`, [workItemId]);
  }
}
