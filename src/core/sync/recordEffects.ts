// The changes of our records that executing a plan implies, as effects: functions of the store
// that commit applies in one transaction per work item. One place decides how an outcome becomes a
// record, so a record per (work item, attachment) and per local path is kept whatever the path.
import type { FailureKind } from '../store';
import type { SyncDbRepositories } from '../store/syncDb';
import type { Uploaded } from './outbound';
import type { JournalEntry } from './uploadJournal';

/** chunked_upload_sessions keeps the seed's view of an upload: written from the journal at commit. */
async function foldSession(store: SyncDbRepositories, workItemId: number, e: JournalEntry, status: 'ACTIVE' | 'COMPLETED'): Promise<void> {
  if (!(await store.uploadSessions.get(e.sessionUuid))) {
    await store.uploadSessions.create({ sessionUuid: e.sessionUuid, workItemId, filePath: e.filePath, fileName: e.fileName, totalSize: e.totalSize,
      chunkSize: e.chunkSize, sha256: e.sha256, adoUploadId: e.uploadId, adoUploadUrl: e.uploadUrl });
  }
  await store.uploadSessions.setProgress(e.sessionUuid, status === 'COMPLETED' ? e.totalSize : e.nextByte, status === 'COMPLETED' ? e.sha256 : e.sentSha256, status);
}

export type Effect = (store: SyncDbRepositories) => Promise<void>;

interface Synced {
  attachmentId: string;
  attachmentUrl: string;
  fileName: string;
  localPath: string | null;
  sha256: string;
  size: number;
  source: 'TOOL' | 'ADO';
  /** The attach request this fulfils. */
  pendingRecordId?: number;
  /** The record follows the file to this path (a renamed file, a record restored after the database was lost). */
  relocate?: boolean;
}

export function recordEffects(workItemId: number) {
  const synced = (s: Synced): Effect => async (store) => {
    const records = store.attachments;
    const existing = await records.forWorkItemAndGuid(workItemId, s.attachmentId);
    const remote = { attachmentGuid: s.attachmentId, attachmentUrl: s.attachmentUrl, sha256: s.sha256 };
    if (existing) {
      if (s.pendingRecordId !== undefined && s.pendingRecordId !== existing.id) await records.softDelete(s.pendingRecordId);
      if (existing.deletedAt !== null) await records.restore(existing.id);
      if (s.relocate && s.localPath) await records.setLocalPath(existing.id, s.localPath);
      await records.markSynced(existing.id, remote);
      return;
    }
    if (s.pendingRecordId !== undefined) {
      await records.markSynced(s.pendingRecordId, remote);
      return;
    }
    // A mirror file that failed before becomes the synced record of its content.
    const earlier = await records.forWorkItemAndSha(workItemId, s.sha256);
    const row = earlier && earlier.attachmentGuid === null && earlier.deletedAt === null ? earlier
      : await records.insert({ workItemId, fileName: s.fileName, fileSize: s.size, source: s.source, localPath: s.localPath, sha256: s.sha256 });
    if (s.localPath && row.localPath !== s.localPath) await records.setLocalPath(row.id, s.localPath);
    await records.markSynced(row.id, remote);
  };

  return {
    adopt: (a: { attachmentId: string; attachmentUrl: string; fileName: string; localPath: string; sha256: string; size?: number }): Effect =>
      synced({ ...a, size: a.size ?? 0, source: 'TOOL', relocate: true }),

    downloaded: (a: { attachmentId: string; attachmentUrl: string; fileName: string; localPath: string; sha256: string; size: number }): Effect =>
      synced({ ...a, source: 'ADO', relocate: true }),

    uploaded: (a: { fileName: string; path: string; sha256: string; size: number; pendingRecordId?: number }, up: Uploaded, collectionUrl: string): Effect => async (store) => {
      await synced({ attachmentId: up.attachmentId, attachmentUrl: up.url, fileName: a.fileName, localPath: a.path, sha256: a.sha256, size: a.size,
        source: 'TOOL', pendingRecordId: a.pendingRecordId })(store);
      if (!up.reused) {
        await store.dedup.remember({ collectionUrl, sha256Hash: a.sha256, attachmentGuid: up.attachmentId, attachmentUrl: up.url, fileSize: a.size, firstWorkItemId: workItemId });
      }
      if (up.session) await foldSession(store, workItemId, up.session, 'COMPLETED');
    },

    /** Chunked uploads still in flight (cancelled, failed, or waiting): their progress as the journal has it. */
    sessionsInFlight: (entries: readonly JournalEntry[]): Effect => async (store) => {
      for (const e of entries) await foldSession(store, workItemId, e, 'ACTIVE');
    },

    duplicate: (a: { attachmentId: string; attachmentUrl: string; fileName: string; localPath: string; sha256: string; pendingRecordId?: number }): Effect =>
      synced({ ...a, size: 0, source: 'TOOL' }),

    uploadFailed: (a: { fileName: string; localPath: string; sha256: string; size: number; pendingRecordId?: number }, message: string, kind: FailureKind, cancelled: boolean): Effect => async (store) => {
      const records = store.attachments;
      if (cancelled) {
        // A cancelled attach is dropped: nothing goes up later behind the user's back.
        if (a.pendingRecordId !== undefined) await records.softDelete(a.pendingRecordId);
        return;
      }
      const earlier = a.pendingRecordId !== undefined ? await records.get(a.pendingRecordId) : await records.forWorkItemAndSha(workItemId, a.sha256);
      const row = earlier && earlier.attachmentGuid === null && earlier.deletedAt === null ? earlier
        : await records.insert({ workItemId, fileName: a.fileName, fileSize: a.size, source: 'TOOL', localPath: a.localPath, sha256: a.sha256 });
      await records.setFailed(row.id, message, kind);
    },

    keptRemoteOnly: (a: { attachmentId: string; attachmentUrl: string; fileName: string; sha256?: string; size?: number }): Effect => async (store) => {
      await store.attachments.insert({ workItemId, fileName: a.fileName, fileSize: a.size ?? 0, source: 'ADO', attachmentGuid: a.attachmentId,
        attachmentUrl: a.attachmentUrl, sha256: a.sha256 ?? null, syncStatus: 'CONFLICT' });
    },

    remoteRemoved: (recordId: number): Effect => (store) => store.attachments.markRemoteRemoved(recordId),

    localDeleted: (recordId: number): Effect => (store) => store.attachments.softDelete(recordId),

    removedByUser: (attachmentId: string): Effect => async (store) => {
      const row = await store.attachments.forWorkItemAndGuid(workItemId, attachmentId);
      if (row) await store.attachments.markRemoteRemoved(row.id);
    },

    forgetUpload: (collectionUrl: string, sha256: string): Effect => (store) => store.dedup.forget(collectionUrl, sha256),
  };
}
